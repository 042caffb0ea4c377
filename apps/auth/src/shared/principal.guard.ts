import type { RpcEnvelope } from '@platform/contracts';
import { DomainError, ForbiddenError, UnauthenticatedError } from '@platform/errors';

/** A signed-in user acting inside one organization (from an access token, never from `data`). */
export interface UserContext {
  userId: string;
  organizationId: string;
  sessionId: string | null;
  tokenId: string | null;
}

/** The caller must be a user with a session in an organization (API keys and codes are refused). */
export function requireUser(envelope: RpcEnvelope): UserContext {
  const principal = envelope.principal;
  if (principal?.apiKeyId) throw new ForbiddenError('This operation needs a signed-in user, not an API key');
  if (!principal?.userId || !principal.organizationId) throw new UnauthenticatedError();
  return {
    userId: principal.userId,
    organizationId: principal.organizationId,
    sessionId: principal.sessionId ?? null,
    tokenId: principal.tokenId ?? null,
  };
}

/** Internal patterns (issuing organization codes) answer only the platform's own system principal. */
export function requireSystem(envelope: RpcEnvelope): void {
  if (!envelope.principal?.scopes.includes('system') || envelope.principal.userId) {
    throw new DomainError('FORBIDDEN', 'Only platform services may call this');
  }
}
