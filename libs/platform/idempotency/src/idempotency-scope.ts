import type { Principal } from '@platform/contracts';
import { DomainError } from '@platform/errors';

// The pure rules of the ledger (how long a key lives, whose key it is), apart from command-once.ts so
// the mutation gate mutates this file whole instead of a line range that drifts.

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** Whose key it is: the same Idempotency-Key of two members of one organization never collides. */
export interface IdempotencyScope {
  organizationId: string;
  principalKey: string;
}

export function idempotencyScopeOf(principal: Principal | null | undefined): IdempotencyScope {
  if (!principal?.organizationId) {
    throw new DomainError('BAD_REQUEST', 'Idempotency-Key is honoured only for requests in an organization');
  }
  return {
    organizationId: principal.organizationId,
    principalKey: principal.userId ?? principal.apiKeyId ?? principal.kind,
  };
}
