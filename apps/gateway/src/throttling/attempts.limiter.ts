import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { DomainError } from '@platform/errors';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { withTimeout } from '@platform/timeouts';
import { DegradedDependencyLog } from './degraded-dependency.log';
import { ATTEMPT_SCRIPT, REFUND_SCRIPT } from './scripts/attempts.script';

export interface AttemptsPolicy {
  /** Names the key space and the logs, e.g. `login`. */
  name: string;
  maxAttempts: number;
  windowMs: number;
  lockoutMs: number;
  /** The client-facing reason of a lockout. */
  lockedMessage: string;
}

/**
 * Counts attempts of something guessable (a password for an IP+email, credentials from an IP) and
 * locks the subject out once they reach the maximum. Attempts are counted atomically when they
 * start, so concurrency cannot slip extra guesses in; `succeeded` forgets them (a login), `refund`
 * gives one back (an attempt that was not a wrong guess). Subjects are hashed into the key, so
 * Redis never holds email addresses. Follows RATE_LIMIT_FAIL_MODE when Redis is down.
 */
export class AttemptsLimiter {
  private readonly degradedLog: DegradedDependencyLog;

  constructor(
    private readonly redis: Redis,
    private readonly config: GatewayEnv,
    logger: Logger,
    readonly policy: AttemptsPolicy,
  ) {
    this.degradedLog = new DegradedDependencyLog(logger, `${policy.name} attempts limiter`);
  }

  key(...subject: string[]): string {
    const digest = createHash('sha256').update(subject.join('\n')).digest('base64url');
    return `${this.config.GATEWAY_REDIS_KEY_PREFIX}attempts:${this.policy.name}:${digest}`;
  }

  /** Admits the attempt, or throws RATE_LIMITED with the time left in the lockout. */
  async admit(key: string): Promise<void> {
    let result: [number, number, number];
    try {
      result = (await withTimeout(
        ATTEMPT_SCRIPT.run(
          this.redis,
          [key],
          [this.policy.maxAttempts, this.policy.windowMs, this.policy.lockoutMs],
        ),
        this.config.RATE_LIMIT_REDIS_TIMEOUT_MS,
        `Redis (${this.policy.name} attempts)`,
      )) as [number, number, number];
    } catch (error) {
      const open = this.config.RATE_LIMIT_FAIL_MODE === 'open';
      this.degradedLog.failed(
        error,
        open ? 'failing open: attempts are not limited' : 'failing closed: attempts are refused',
      );
      if (open) return;
      throw new DomainError('SERVICE_UNAVAILABLE', 'Temporarily unavailable; retry shortly', {
        retryAfterSeconds: 1,
      });
    }
    this.degradedLog.recovered();
    const [admitted, , ttlMs] = result;
    if (admitted !== 1) {
      throw new DomainError('RATE_LIMITED', this.policy.lockedMessage, {
        retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
      });
    }
  }

  async succeeded(key: string): Promise<void> {
    await this.redis.del(key).catch(() => undefined);
  }

  async refund(key: string): Promise<void> {
    await REFUND_SCRIPT.run(this.redis, [key], []).catch(() => undefined);
  }
}
