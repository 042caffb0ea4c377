import { PLANS, type PlanCode } from './plans';

/**
 * What payments meters per organization. Wire names (the usage endpoint, the threshold event's
 * `limit`, the usage ledger's rows): never rename one without a migration plan.
 * - `apiCalls`: requests the gateway admitted, a flow counted per billing period;
 * - `recordings`, `storageBytes`, `members`: levels (what the organization holds), carried from one
 *   period into the next.
 */
export const USAGE_METRICS = ['apiCalls', 'recordings', 'storageBytes', 'members'] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

/** Metrics that are levels (carried over between periods), as opposed to per-period flows. */
export const LEVEL_METRICS: ReadonlySet<UsageMetric> = new Set(['recordings', 'storageBytes', 'members']);

/** Usage alerts fire when a metric reaches these percentages of its plan limit. */
export const USAGE_ALERT_THRESHOLDS = [80, 100] as const;
export type UsageAlertThreshold = (typeof USAGE_ALERT_THRESHOLDS)[number];

/**
 * The plan limit of a metric, from PLANS (the one place limits live); null when the plan sets
 * none (API calls are throttled per minute, not capped per period).
 */
export function planLimitOf(plan: PlanCode, metric: UsageMetric): number | null {
  const limits = PLANS[plan];
  switch (metric) {
    case 'recordings':
      return limits.maxRecordings;
    case 'storageBytes':
      return limits.storageBytes;
    case 'members':
      return limits.maxUsers;
    case 'apiCalls':
      return null;
  }
}

/**
 * The names a PLAN_LIMIT_REACHED refusal gives its limit (`details.limit.name`): the metered ones
 * plus caps that are not metered (active API keys).
 */
export type PlanLimitName = 'members' | 'recordings' | 'storageBytes' | 'apiKeys';
