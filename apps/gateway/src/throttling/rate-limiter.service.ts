import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import { REDIS } from '@platform/redis';
import type { PendingRevocationCheck } from '../authentication/token-denylist';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { withTimeout } from '@platform/timeouts';
import type { LimitSpec, ThrottleDecision } from './rate-limit.types';
import { REVOKED, THROTTLE_SCRIPT } from './scripts/throttle.script';
import { DegradedDependencyLog } from './degraded-dependency.log';

/**
 * Runs one atomic Lua check per request over all its limits. When Redis cannot answer within
 * RATE_LIMIT_REDIS_TIMEOUT_MS the gateway fails open (no limit, no headers) or closed (503), as
 * RATE_LIMIT_FAIL_MODE says, and logs which it did.
 */
@Injectable()
export class RateLimiter {
  private readonly degradedLog: DegradedDependencyLog;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.degradedLog = new DegradedDependencyLog(logger, 'rate limiter');
  }

  /**
   * The decision, or `null` when Redis is unavailable and the gateway fails open. With `revocation`
   * (a credential's denylist check) the script reads its keys first: revoked → `revocation` throws
   * (401) and no limit is consumed; Redis unavailable → the denylist's fail mode is applied first,
   * then the limiter's, as when the two were asked one after the other.
   */
  async check(
    limits: readonly LimitSpec[],
    revocation?: PendingRevocationCheck,
  ): Promise<ThrottleDecision | null> {
    if (limits.length === 0) {
      await revocation?.run();
      return null;
    }
    const revocationKeys = revocation?.keys ?? [];
    const keys = [...revocationKeys, ...limits.map((limit) => limit.key)];
    const args: (string | number)[] = [revocationKeys.length];
    for (const limit of limits) {
      if (limit.kind === 'bucket') args.push('b', limit.capacity, limit.refillPerMs, limit.cost);
      else args.push('w', limit.limit, limit.windowMs, randomUUID());
    }
    let raw: number[];
    try {
      raw = (await withTimeout(
        THROTTLE_SCRIPT.run(this.redis, keys, args),
        this.config.RATE_LIMIT_REDIS_TIMEOUT_MS,
        'Redis (rate limiter)',
      )) as number[];
    } catch (error) {
      revocation?.unavailable(error);
      return this.unavailable(error);
    }
    this.degradedLog.recovered();
    revocation?.settle(raw[0] === REVOKED);
    return decide(limits, raw);
  }

  private unavailable(error: unknown): null {
    const mode = this.config.RATE_LIMIT_FAIL_MODE;
    this.degradedLog.failed(
      error,
      mode === 'open'
        ? 'failing open: requests are not throttled'
        : 'failing closed: requests are refused with 503',
    );
    if (mode === 'open') return null;
    throw new DomainError('SERVICE_UNAVAILABLE', 'Rate limiting is temporarily unavailable; retry shortly', {
      retryAfterSeconds: 1,
    });
  }
}

/** Folds the script's per-limit results into one decision: the refusing limit that frees up last, else the one with the least left. */
export function decide(limits: readonly LimitSpec[], raw: readonly number[]): ThrottleDecision {
  const allowed = raw[0] === 1;
  let chosen: { limit: number; remaining: number; resetMs: number; retryMs: number } | undefined;
  limits.forEach((limit, i) => {
    const [remaining, resetMs, retryMs] = raw.slice(1 + i * 3, 4 + i * 3) as [number, number, number];
    const candidate = {
      limit: limit.kind === 'bucket' ? limit.capacity : limit.limit,
      remaining,
      resetMs,
      retryMs,
    };
    const better = allowed
      ? !chosen || remaining < chosen.remaining
      : retryMs > 0 && (!chosen || retryMs > chosen.retryMs);
    if (better) chosen = candidate;
  });
  const result = chosen ?? { limit: 0, remaining: 0, resetMs: 0, retryMs: 1000 };
  const decision: ThrottleDecision = {
    allowed,
    limit: result.limit,
    remaining: result.remaining,
    resetSeconds: Math.max(0, Math.ceil(result.resetMs / 1000)),
  };
  if (!allowed) decision.retryAfterSeconds = Math.max(1, Math.ceil(result.retryMs / 1000));
  return decision;
}
