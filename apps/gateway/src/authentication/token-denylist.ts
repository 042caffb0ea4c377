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
 * The access-token denylist the auth service writes on logout (by token id) and on revoking a
 * session family (by session id). One MGET per request. If Redis cannot answer, REVOCATION_FAIL_MODE
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
    try {
      const [token, session] = await withTimeout(
        this.redis.mget(denylistKeys.token(tokenId), denylistKeys.session(sessionId)),
        this.config.RATE_LIMIT_REDIS_TIMEOUT_MS,
        'Redis (denylist)',
      );
      this.degradedLog.recovered();
      return token !== null || session !== null;
    } catch (error) {
      const open = this.config.REVOCATION_FAIL_MODE === 'open';
      this.degradedLog.failed(
        error,
        open ? 'failing open: revoked tokens are not detected' : 'failing closed: bearer tokens are refused',
      );
      if (open) return false;
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'Access tokens cannot be checked right now; retry shortly',
        {
          retryAfterSeconds: 1,
        },
      );
    }
  }
}
