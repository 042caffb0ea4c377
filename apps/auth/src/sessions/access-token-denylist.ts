import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { denylistKeys } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { REDIS } from '@platform/redis';
import type { AuthEnv } from '../config/auth-env.schema';

/**
 * The Redis denylist the gateway checks on every request (keys from the contract). Entries live as
 * long as the longest access token that could carry them, then vanish by themselves.
 */
@Injectable()
export class AccessTokenDenylist {
  private readonly ttlSeconds: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) config: AuthEnv,
  ) {
    // A token issued just before the revocation lives a full TTL; the grace covers clock skew.
    this.ttlSeconds = config.JWT_ACCESS_TTL_SECONDS + config.JWT_KEY_RETIRE_GRACE_SECONDS;
  }

  async denyToken(jti: string): Promise<void> {
    await this.redis.set(denylistKeys.token(jti), '1', 'EX', this.ttlSeconds);
  }

  async denySessions(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const sid of sessionIds) pipeline.set(denylistKeys.session(sid), '1', 'EX', this.ttlSeconds);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }
}
