import type { PrincipalKind, RpcEnvelope } from '@platform/contracts';
import { DomainError, ForbiddenError, UnauthenticatedError } from '@platform/errors';

const CREDENTIAL_NAMES: Record<PrincipalKind, string> = {
  user: 'a user',
  'api-key': 'an API key',
  'organization-code': 'an organization code',
  system: 'a platform service',
};

/** A signed-in user acting inside one organization (from an access token, never from `data`). */
export interface UserContext {
  userId: string;
  organizationId: string;
  sessionId: string | null;
  tokenId: string | null;
}

/**
 * The caller must be a user signed in to an organization (an access token). API keys and organization
 * codes are refused whatever else the principal carries: the gateway already refuses them on these
 * routes (route-table `credentials`); this is the second, independent check.
 */
export function requireUser(envelope: RpcEnvelope): UserContext {
  const principal = envelope.principal;
  if (!principal) throw new UnauthenticatedError();
  // A user principal never carries a key id; one that does is inconsistent and refused like a key.
  if (principal.kind !== 'user' || principal.apiKeyId) {
    throw new ForbiddenError(
      `This operation needs a signed-in user, not ${CREDENTIAL_NAMES[principal.apiKeyId ? 'api-key' : principal.kind]}`,
    );
  }
  if (!principal.userId || !principal.organizationId) throw new UnauthenticatedError();
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
