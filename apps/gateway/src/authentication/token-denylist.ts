import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { denylistKeys } from '@platform/contracts';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
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
      'bearer tokens are refused',
      'revoked tokens are not detected',
      'Access tokens cannot be checked right now; retry shortly',
    );
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
      const open = this.config.REVOCATION_FAIL_MODE === 'open';
      this.degradedLog.failed(
        error,
        open ? `failing open: ${openEffect}` : `failing closed: ${closedEffect}`,
      );
      if (open) return false;
      throw new DomainError('SERVICE_UNAVAILABLE', refusal, { retryAfterSeconds: 1 });
    }
  }
}
