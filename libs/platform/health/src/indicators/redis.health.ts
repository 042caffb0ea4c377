import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { REDIS } from '@platform/redis';
import { withinBudget, type ReadinessIndicator } from './readiness-indicator';

@Injectable()
export class RedisHealthIndicator implements ReadinessIndicator {
  readonly key = 'redis';

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly health: HealthIndicatorService,
  ) {}

  async check() {
    const session = this.health.check(this.key);
    try {
      const pong = await withinBudget(this.redis.ping(), 'Redis');
      return pong === 'PONG' ? session.up() : session.down({ message: `unexpected reply ${pong}` });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}
