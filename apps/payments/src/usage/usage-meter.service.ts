import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  EVENT_NAMES,
  planLimitOf,
  USAGE_ALERT_THRESHOLDS,
  type PlanCode,
  type UsageMetric,
} from '@platform/contracts';
import { OutboxWriter } from '@platform/messaging';
import { GrantedPlanRepository } from '../plans/granted-plan.repository';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import type { PendingNotice } from '../mail/billing-notices';
import { usagePeriodOf, type UsagePeriod } from './usage-period';
import { UsageRepository } from './usage.repository';

export interface UsageChange {
  organizationId: string;
  metric: UsageMetric;
  /** Positive to add, negative to remove (levels only). */
  delta: number;
  /** When it happened (the event's time): decides the period. */
  at: Date;
}

/**
 * Counts usage into the organization's current period and raises the usage alerts: when a change
 * takes a metric from below to at-or-above 80% or 100% of its plan limit, the alert is claimed
 * (one row per organization, period, metric and threshold), `payments.usage.threshold-reached` goes
 * to the outbox in the same transaction, and an email to the billing address is handed back for the
 * caller to queue in that transaction too (BillingNotices, as dunning does).
 */
@Injectable()
export class UsageMeter {
  constructor(
    private readonly usage: UsageRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly grantedPlans: GrantedPlanRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** The plan and period in force for the organization at `at` (FREE and the calendar month without a subscription). */
  async planAndPeriod(
    manager: EntityManager,
    organizationId: string,
    at: Date,
  ): Promise<{ plan: PlanCode; period: UsagePeriod; billingEmail: string | null }> {
    const row = await this.subscriptions.find(organizationId, manager);
    // A subscription bought here decides; before one (no row, or a checkout not yet paid: TRIAL),
    // the plan the organization was created on from an organization code, else FREE.
    const bought = row && row.status !== 'TRIAL' ? row.plan : null;
    const plan = bought ?? (await this.grantedPlans.find(organizationId, manager)) ?? row?.plan ?? 'FREE';
    return {
      plan,
      period: usagePeriodOf(row, at),
      billingEmail: row?.billingEmail ?? null,
    };
  }

  async record(manager: EntityManager, change: UsageChange): Promise<PendingNotice[]> {
    const { organizationId, metric, delta, at } = change;
    const { plan, period, billingEmail } = await this.planAndPeriod(manager, organizationId, at);
    const { before, after } = await this.usage.add(manager, organizationId, metric, period, delta);
    const max = planLimitOf(plan, metric);
    if (max === null || after <= before) return [];
    const notices: PendingNotice[] = [];
    for (const thresholdPercent of USAGE_ALERT_THRESHOLDS) {
      const mark = (max * thresholdPercent) / 100;
      if (!(before < mark && after >= mark)) continue;
      const alert = { organizationId, period, metric, thresholdPercent, plan, used: after, max };
      if (!(await this.usage.claimAlert(manager, alert))) continue;
      await this.outbox.addEvent(manager, EVENT_NAMES.usageThresholdReached, {
        organizationId,
        plan,
        limit: metric,
        thresholdPercent,
        usage: after,
        max,
        periodStart: period.start.toISOString(),
        periodEnd: period.end.toISOString(),
      });
      notices.push({
        to: billingEmail,
        notice: {
          kind: 'usage-threshold',
          plan,
          metric,
          thresholdPercent,
          used: after,
          max,
          periodEnd: period.end,
        },
      });
    }
    return notices;
  }
}
