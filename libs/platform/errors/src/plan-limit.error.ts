import type { PlanCode, PlanLimitName } from '@platform/contracts';
import { DomainError } from './domain.error';

/** Which plan cap was hit: problem+json's `limit` member (see readLimitDetails). */
export interface PlanLimit {
  name: PlanLimitName;
  plan: PlanCode;
  max: number;
  usage: number;
}

/**
 * A plan limit refused the command (403 PLAN_LIMIT_REACHED). Every service raises it the same way,
 * so every refusal names the limit, the plan, its maximum and the usage; `details` adds what is
 * specific (the bytes asked for). The limits themselves come from PLANS in libs/contracts.
 */
export class PlanLimitReachedError extends DomainError {
  constructor(limit: PlanLimit, message: string, details: Record<string, unknown> = {}) {
    super('PLAN_LIMIT_REACHED', message, { ...details, limit });
  }
}
