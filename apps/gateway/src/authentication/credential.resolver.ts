import { Inject, Injectable } from '@nestjs/common';
import {
  AUTH_RPC,
  denylistKeys,
  organizationCodeFingerprint,
  principalSchema,
  type Principal,
} from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError, UnauthenticatedError } from '@platform/errors';
import { AmqpClient } from '@platform/messaging';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { RateLimiter } from '../throttling/rate-limiter.service';
import { CredentialCache, type CredentialKind } from './credential-cache';
import { TokenDenylist } from './token-denylist';

/** The only principal kind each look-up may yield. */
const PRINCIPAL_KIND = { 'api-key': 'api-key', 'org-code': 'organization-code' } as const;

/** A key's or code's principal, and when the credential stops working (ms since the epoch; none: never). */
export interface ResolvedCredential {
  principal: Principal;
  expiresAtMs?: number;
  /** The denylist key auth sets when the credential is replaced (organization codes). */
  revocationMarker?: string;
}

/** Codes with which auth refuses a credential (as opposed to failing itself). */
const REFUSALS = new Set(['UNAUTHENTICATED', 'NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED']);

/**
 * Resolves `x-api-key` (`auth.api-key.verify`) and `x-organization-code` (+ `x-user-id`,
 * `auth.organization-code.resolve`) to a principal, through the credential cache. Look-ups that
 * miss the cache cost an RPC each, so they are limited per client IP (CREDENTIAL_LOOKUPS_PER_MINUTE):
 * made-up keys cannot be turned into load on auth.
 */
@Injectable()
export class CredentialResolver {
  constructor(
    private readonly rpc: AmqpClient,
    private readonly cache: CredentialCache,
    private readonly limiter: RateLimiter,
    private readonly denylist: TokenDenylist,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  resolveApiKey(key: string, ip: string, requestId: string): Promise<ResolvedCredential> {
    return this.resolve(
      'api-key',
      CredentialCache.digest(key),
      ip,
      'The API key is invalid, expired or revoked',
      () => this.rpc.call(AUTH_RPC.verifyApiKey, { principal: null, data: { key }, meta: { requestId } }),
      // Revoked by any path (a member removed, another replica): auth's marker, by key id.
      (principal) => (principal.apiKeyId ? this.denylist.isApiKeyRevoked(principal.apiKeyId) : false),
    );
  }

  async resolveOrganizationCode(
    code: string,
    userId: string | undefined,
    ip: string,
    requestId: string,
  ): Promise<ResolvedCredential> {
    const data = userId === undefined ? { code } : { code, userId };
    // Replaced by a rotation: auth's marker, by the code's fingerprint (the code is at hand here).
    const revocationMarker = denylistKeys.organizationCode(organizationCodeFingerprint(code));
    const resolved = await this.resolve(
      'org-code',
      CredentialCache.digest(code, userId ?? ''),
      ip,
      'The organization code (or user) is invalid',
      () => this.rpc.call(AUTH_RPC.resolveOrganizationCode, { principal: null, data, meta: { requestId } }),
      () => this.denylist.isMarkedRevoked(revocationMarker),
    );
    return { ...resolved, revocationMarker };
  }

  private async resolve(
    kind: CredentialKind,
    digest: string,
    ip: string,
    refusal: string,
    lookup: () => Promise<unknown>,
    revokedSinceCached: (principal: Principal) => boolean | Promise<boolean>,
  ): Promise<ResolvedCredential> {
    const cached = await this.cache.get(kind, digest);
    if (cached) {
      if ('invalid' in cached) throw new UnauthenticatedError(refusal);
      // The entry may predate a revocation made through any path: auth's revocation marker says so
      // at once. A miss needs no check: auth's answer is current.
      if (await revokedSinceCached(cached.principal)) throw new UnauthenticatedError(refusal);
      return resolved(cached.principal, cached.expiresAt);
    }
    await this.limitLookups(ip);
    let result: { principal?: unknown; expiresAt?: unknown };
    try {
      result = (await lookup()) as { principal?: unknown; expiresAt?: unknown };
    } catch (error) {
      if (error instanceof DomainError && REFUSALS.has(error.code)) {
        await this.cache.set(kind, digest, { invalid: true });
        throw new UnauthenticatedError(refusal);
      }
      throw error;
    }
    const principal = principalSchema.safeParse(result.principal);
    // A contract breach on auth's side is our failure (500 with an errorId), not the client's input.
    // A key or a code never stands for a user: a principal of another kind, or with a user id, is one.
    if (
      !principal.success ||
      principal.data.kind !== PRINCIPAL_KIND[kind] ||
      principal.data.userId !== null
    ) {
      throw new Error(`auth answered a ${kind} look-up with a malformed principal`);
    }
    const expiresAt = typeof result.expiresAt === 'string' ? result.expiresAt : null;
    await this.cache.set(kind, digest, { principal: principal.data, expiresAt });
    return resolved(principal.data, expiresAt);
  }

  private async limitLookups(ip: string): Promise<void> {
    const decision = await this.limiter.check([
      {
        kind: 'window',
        key: `${this.config.GATEWAY_REDIS_KEY_PREFIX}rl:{ip:${ip}}:w:credential-lookup`,
        limit: this.config.CREDENTIAL_LOOKUPS_PER_MINUTE,
        windowMs: 60_000,
      },
    ]);
    if (decision && !decision.allowed) {
      throw new DomainError('RATE_LIMITED', 'Too many credential look-ups from your address', {
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
  }
}

function resolved(principal: Principal, expiresAt: string | null): ResolvedCredential {
  return expiresAt === null ? { principal } : { principal, expiresAtMs: Date.parse(expiresAt) };
}
