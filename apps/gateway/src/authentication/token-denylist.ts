import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { denylistKeys } from '@platform/contracts';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError, UnauthenticatedError } from '@platform/errors';
import { REDIS } from '@platform/redis';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { withTimeout } from '@platform/timeouts';
import { DegradedDependencyLog } from '../throttling/degraded-dependency.log';

/**
 * The denylist the auth service writes: access tokens on logout (by token id) and on revoking a
 * session family (by session id), one MGET per request; revoked API keys (by key id), checked on a
 * credential-cache hit. If Redis cannot answer, REVOCATION_FAIL_MODE
 * decides: `closed` (default) refuses with 503, since a revoked token must never pass; `open` lets
 * tokens through unchecked until Redis is back.
 */
@Injectable()
export class TokenDenylist {
  private readonly degradedLog: DegradedDependencyLog;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.degradedLog = new DegradedDependencyLog(logger, 'token denylist');
  }

  async isRevoked(tokenId: string, sessionId: string): Promise<boolean> {
    return this.check(
      [denylistKeys.token(tokenId), denylistKeys.session(sessionId)],
      TOKEN_EFFECTS.closed,
      TOKEN_EFFECTS.open,
      TOKEN_EFFECTS.refusal,
    );
  }

  /**
   * The denylist check of an access token, to be run later: alone (`run`, one MGET), or inside the
   * route's rate-limit script (RateLimiter.check), which reads the same keys first and consumes
   * nothing when one is set — one Redis round trip per request instead of two.
   */
  pendingTokenCheck(tokenId: string, sessionId: string): PendingRevocationCheck {
    return {
      keys: [denylistKeys.token(tokenId), denylistKeys.session(sessionId)],
      run: async () => {
        if (await this.isRevoked(tokenId, sessionId)) throw new UnauthenticatedError(REVOKED);
      },
      settle: (revoked) => {
        this.degradedLog.recovered();
        if (revoked) throw new UnauthenticatedError(REVOKED);
      },
      unavailable: (error) => {
        this.failed(error, TOKEN_EFFECTS.closed, TOKEN_EFFECTS.open, TOKEN_EFFECTS.refusal);
      },
    };
  }

  /**
   * Whether auth revoked this API key (by hand, or with its creator's membership). Checked when the
   * key's principal comes from the credential cache, so a revocation reaches every replica at once.
   */
  isApiKeyRevoked(apiKeyId: string): Promise<boolean> {
    return this.check(
      [denylistKeys.apiKey(apiKeyId)],
      'cached API keys are refused',
      'revoked API keys are not detected until their cache entry expires',
      'API keys cannot be checked right now; retry shortly',
    );
  }

  /**
   * Whether auth set this credential's revocation marker (a replaced organization code, by its
   * fingerprint: `denylistKeys.organizationCode`). Checked when the code's principal comes from the
   * credential cache, and by open WebSockets, so the old code stops at once everywhere.
   */
  isMarkedRevoked(marker: string): Promise<boolean> {
    return this.check(
      [marker],
      'cached organization codes are refused',
      'replaced organization codes are not detected until their cache entry expires',
      'Organization codes cannot be checked right now; retry shortly',
    );
  }

  private async check(keys: string[], closedEffect: string, openEffect: string, refusal: string) {
    try {
      const values = await withTimeout(
        this.redis.mget(...keys),
        this.config.RATE_LIMIT_REDIS_TIMEOUT_MS,
        'Redis (denylist)',
      );
      this.degradedLog.recovered();
      return values.some((value) => value !== null);
    } catch (error) {
      this.failed(error, closedEffect, openEffect, refusal);
      return false;
    }
  }

  /** Redis could not say: REVOCATION_FAIL_MODE `closed` refuses (503), `open` lets it through. */
  private failed(error: unknown, closedEffect: string, openEffect: string, refusal: string): void {
    const open = this.config.REVOCATION_FAIL_MODE === 'open';
    this.degradedLog.failed(error, open ? `failing open: ${openEffect}` : `failing closed: ${closedEffect}`);
    if (!open) throw new DomainError('SERVICE_UNAVAILABLE', refusal, { retryAfterSeconds: 1 });
  }
}

/** The message of a revoked access token (logout, a revoked session). */
export const REVOKED = 'The access token has been revoked';

const TOKEN_EFFECTS = {
  closed: 'bearer tokens are refused',
  open: 'revoked tokens are not detected',
  refusal: 'Access tokens cannot be checked right now; retry shortly',
};

/** A revocation check not run yet: any of `keys` present in Redis means revoked. */
export interface PendingRevocationCheck {
  readonly keys: readonly string[];
  /** Runs the check on its own; throws UnauthenticatedError when revoked. */
  run(): Promise<void>;
  /** The answer of the same check made elsewhere: throws UnauthenticatedError when revoked. */
  settle(revoked: boolean): void;
  /** Redis did not answer a check made elsewhere: REVOCATION_FAIL_MODE decides (throws when closed). */
  unavailable(error: unknown): void;
}
