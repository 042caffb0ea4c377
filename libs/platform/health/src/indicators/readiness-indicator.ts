import { withTimeout } from '@platform/timeouts';
import type { HealthIndicatorResult } from '@nestjs/terminus';

/** One dependency `/health/ready` checks. Each check must answer within CHECK_TIMEOUT_MS. */
export interface ReadinessIndicator {
  readonly key: string;
  check(): Promise<HealthIndicatorResult>;
}

export const READINESS_INDICATORS = Symbol('READINESS_INDICATORS');

export const CHECK_TIMEOUT_MS = 2000;

/** Rejects when `work` takes longer than the check budget, so a hung dependency reads as down. */
export function withinBudget<T>(work: Promise<T>, what: string, timeoutMs = CHECK_TIMEOUT_MS): Promise<T> {
  return withTimeout(work, timeoutMs, what);
}
