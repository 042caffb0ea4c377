import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { principalSchema, type Principal } from '@platform/contracts';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { REDIS } from '@platform/redis';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { withTimeout } from '@platform/timeouts';

export type CredentialKind = 'api-key' | 'org-code';
/**
 * A resolved credential (with when it stops working, null: never), or the memory that it was refused
 * (so a wrong key repeated costs no RPC).
 */
export type CachedCredential = { principal: Principal; expiresAt: string | null } | { invalid: true };

/** Refusals are remembered for less time than successes: a key created a second later must work soon. */
const INVALID_TTL_SECONDS = 5;

/**
 * Principals resolved from API keys and organization codes, in Redis (shared by every gateway
 * replica) under the SHA-256 of the secret — never the secret itself — for CREDENTIAL_CACHE_TTL_SECONDS
 * at most, and never past the credential's own expiry. The cache is an optimization: when Redis fails,
 * the look-up simply goes to auth. (A revoked key is refused on a hit by its revocation marker:
 * see CredentialResolver.)
 */
@Injectable()
export class CredentialCache {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  static digest(...parts: string[]): string {
    return createHash('sha256').update(parts.join('\n')).digest('base64url');
  }

  async get(kind: CredentialKind, digest: string): Promise<CachedCredential | undefined> {
    try {
      const raw = await this.withBudget(this.redis.get(this.key(kind, digest)));
      if (raw === null) return undefined;
      const value = JSON.parse(raw) as { principal?: unknown; invalid?: boolean; expiresAt?: unknown };
      if (value.invalid) return { invalid: true };
      const principal = principalSchema.safeParse(value.principal);
      if (!principal.success) return undefined;
      const expiresAt = typeof value.expiresAt === 'string' ? value.expiresAt : null;
      // Redis expires the entry at the credential's expiry already; this covers its millisecond rounding.
      if (expiresAt !== null && Date.parse(expiresAt) <= Date.now()) return undefined;
      return { principal: principal.data, expiresAt };
    } catch (error) {
      this.logger.debug({ err: error }, 'credential cache read failed; resolving through auth');
      return undefined;
    }
  }

  async set(kind: CredentialKind, digest: string, value: CachedCredential): Promise<void> {
    const ttlMs = this.ttlMs(value);
    // A credential that expires within the millisecond is not worth remembering.
    if (ttlMs <= 0) return;
    const multi = this.redis.multi().set(this.key(kind, digest), JSON.stringify(value), 'PX', ttlMs);
    // Remember which entry belongs to which key id, so revoking the key can drop it at once.
    if ('principal' in value && value.principal.apiKeyId) {
      multi.set(this.idKey(value.principal.apiKeyId), digest, 'PX', ttlMs);
    }
    await this.withBudget(multi.exec()).catch((error: unknown) =>
      this.logger.debug({ err: error }, 'credential cache write failed'),
    );
  }

  /** On `auth.api-key.revoked` (CredentialInvalidationConsumer), on every replica, whichever path revoked it. */
  async forgetApiKey(apiKeyId: string): Promise<void> {
    try {
      const digest = await this.withBudget(this.redis.get(this.idKey(apiKeyId)));
      if (digest) await this.withBudget(this.redis.del(this.key('api-key', digest), this.idKey(apiKeyId)));
    } catch (error) {
      this.logger.warn(
        { err: error, apiKeyId },
        `could not drop the revoked API key from the cache; it stops working within ${this.config.CREDENTIAL_CACHE_TTL_SECONDS} s`,
      );
    }
  }

  /** The configured TTL, but never past the credential's own expiry: an expired key must not work. */
  private ttlMs(value: CachedCredential): number {
    if ('invalid' in value)
      return Math.min(INVALID_TTL_SECONDS, this.config.CREDENTIAL_CACHE_TTL_SECONDS) * 1000;
    const configured = this.config.CREDENTIAL_CACHE_TTL_SECONDS * 1000;
    if (value.expiresAt === null) return configured;
    const left = Date.parse(value.expiresAt) - Date.now();
    // An unreadable expiry is not cached at all: every request then asks auth, which knows.
    return Number.isFinite(left) ? Math.min(configured, left) : 0;
  }

  private key(kind: CredentialKind, digest: string): string {
    return `${this.config.GATEWAY_REDIS_KEY_PREFIX}cred:${kind}:${digest}`;
  }

  private idKey(apiKeyId: string): string {
    return `${this.config.GATEWAY_REDIS_KEY_PREFIX}cred:api-key-id:${apiKeyId}`;
  }

  private withBudget<T>(promise: Promise<T>): Promise<T> {
    return withTimeout(promise, this.config.RATE_LIMIT_REDIS_TIMEOUT_MS, 'Redis (credential cache)');
  }
}
