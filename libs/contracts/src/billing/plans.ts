/** Plans and their limits (BLUEPRINT "Tenancy and roles"). Prices in USD cents per month. */
export const PLAN_CODES = ['FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE'] as const;
export type PlanCode = (typeof PLAN_CODES)[number];

export interface PlanLimits {
  readonly priceCentsPerMonth: number;
  readonly maxUsers: number;
  readonly maxRecordings: number;
  readonly storageBytes: number;
  /** Sustained API requests per minute for the organization's token bucket (burst is +20%). */
  readonly requestsPerMinute: number;
  /** Active (not revoked, not expired) API keys the organization may hold at once. */
  readonly maxApiKeys: number;
}

const GB = 1024 ** 3;

export const PLANS: Readonly<Record<PlanCode, PlanLimits>> = {
  FREE: {
    priceCentsPerMonth: 0,
    maxUsers: 1,
    maxRecordings: 10,
    storageBytes: 1 * GB,
    requestsPerMinute: 60,
    maxApiKeys: 2,
  },
  STARTER: {
    priceCentsPerMonth: 2900,
    maxUsers: 5,
    maxRecordings: 100,
    storageBytes: 10 * GB,
    requestsPerMinute: 300,
    maxApiKeys: 10,
  },
  PROFESSIONAL: {
    priceCentsPerMonth: 9900,
    maxUsers: 20,
    maxRecordings: 500,
    storageBytes: 50 * GB,
    requestsPerMinute: 1200,
    maxApiKeys: 50,
  },
  ENTERPRISE: {
    priceCentsPerMonth: 29900,
    maxUsers: 100,
    maxRecordings: 2000,
    storageBytes: 200 * GB,
    requestsPerMinute: 6000,
    maxApiKeys: 200,
  },
};

/** Burst allowance on top of a plan's sustained rate. */
export const RATE_LIMIT_BURST_RATIO = 0.2;

/** A plan's API rate: the sustained requests per minute, and the burst admitted at once. */
export interface PlanRateLimit {
  requestsPerMinute: number;
  /** The organization's token-bucket capacity at the gateway: what `RateLimit-Limit` says of it. */
  burst: number;
}

/**
 * The one place a plan's API rate is computed: the gateway's organization bucket enforces it and
 * the usage endpoint shows it, so both say the same numbers. `scale` multiplies the plan's rate (the
 * gateway's RATE_LIMIT_PLAN_SCALE, 1 in production).
 */
export function planRateLimit(plan: PlanCode, scale = 1): PlanRateLimit {
  const requestsPerMinute = PLANS[plan].requestsPerMinute * scale;
  return { requestsPerMinute, burst: Math.ceil(requestsPerMinute * (1 + RATE_LIMIT_BURST_RATIO)) };
}
