import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { importJWK, type KeyLike } from 'jose';
import type { Logger } from 'pino';
import { AUTH_RPC, SYSTEM_PRINCIPAL, jwksSchema } from '@platform/contracts';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import { AmqpClient } from '@platform/messaging';
import type { GatewayEnv } from '../config/gateway-env.schema';

/**
 * The auth service's public signing keys, fetched over RPC (`auth.jwks.get`) and kept in memory so
 * that verifying a token costs no call. Re-fetched in the background once JWKS_CACHE_TTL_SECONDS
 * old (retired keys drop out), and at once for an unknown `kid` (a key rotated in) — but at most
 * every JWKS_REFRESH_MIN_INTERVAL_MS, so tokens with made-up kids cannot turn into a flood of RPCs.
 */
@Injectable()
export class JwksCache implements OnApplicationBootstrap {
  private keys = new Map<string, KeyLike>();
  private fetchedAt = 0;
  private lastAttemptAt = 0;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly rpc: AmqpClient,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Warm the cache; auth may still be starting, in which case the first request fetches. */
  onApplicationBootstrap(): void {
    this.refresh().catch((error: unknown) =>
      this.logger.info(
        { reason: (error as Error).message },
        'JWKS not fetched at start; will fetch on first use',
      ),
    );
  }

  /** The verification key for `kid`, or undefined when auth does not know it either. */
  async keyFor(kid: string): Promise<KeyLike | undefined> {
    if (this.keys.size === 0) await this.refreshOrUnavailable();
    else this.refreshIfStale();
    const known = this.keys.get(kid);
    if (known) return known;
    if (Date.now() - this.lastAttemptAt < this.config.JWKS_REFRESH_MIN_INTERVAL_MS) return undefined;
    await this.refresh().catch((error: unknown) =>
      this.logger.warn({ err: error, kid }, 'JWKS refresh for an unknown kid failed'),
    );
    return this.keys.get(kid);
  }

  /**
   * The key for `kid` as held now, without fetching (a stale set is refreshed behind the caller):
   * what a verified-token cache hit checks its key against.
   */
  currentKey(kid: string): KeyLike | undefined {
    if (this.keys.size > 0) this.refreshIfStale();
    return this.keys.get(kid);
  }

  private refreshIfStale(): void {
    if (Date.now() - this.fetchedAt <= this.config.JWKS_CACHE_TTL_SECONDS * 1000) return;
    // Stale but usable: serve it and refresh behind the request.
    this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'JWKS refresh failed'));
  }

  private async refreshOrUnavailable(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      this.logger.error({ err: error }, 'JWKS unavailable: access tokens cannot be verified');
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'Access tokens cannot be verified right now; retry shortly',
        {
          retryAfterSeconds: 1,
        },
      );
    }
  }

  /** Single flight: concurrent callers share one RPC. */
  private refresh(): Promise<void> {
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async fetch(): Promise<void> {
    this.lastAttemptAt = Date.now();
    const raw = await this.rpc.call(AUTH_RPC.getJwks, {
      principal: SYSTEM_PRINCIPAL,
      data: {},
      meta: { requestId: `jwks-${randomUUID()}` },
    });
    const jwks = jwksSchema.parse(raw);
    const keys = new Map<string, KeyLike>();
    for (const jwk of jwks.keys) {
      keys.set(jwk.kid, (await importJWK(jwk, 'RS256')) as KeyLike);
    }
    this.keys = keys;
    this.fetchedAt = Date.now();
  }
}
