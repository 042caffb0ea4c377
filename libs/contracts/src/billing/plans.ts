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
