import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { REDIS } from '@platform/redis';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { AdaptiveLimitsService } from './adaptive/adaptive-limits.service';
import { LoginGuard } from './login-guard';
import { RateLimiter } from './rate-limiter.service';
import { RequestThrottle } from './request-throttle.service';
import { LOGIN_ATTEMPTS } from './throttling.tokens';

/** Redis-backed limits (atomic Lua), the login brute-force guard and the adaptive factor per service. */
@Module({
  providers: [
    RateLimiter,
    AdaptiveLimitsService,
    RequestThrottle,
    {
      provide: LOGIN_ATTEMPTS,
      inject: [REDIS, SERVICE_CONFIG, LOGGER],
      useFactory: (redis: Redis, config: GatewayEnv, logger: Logger) => new LoginGuard(redis, config, logger),
    },
  ],
  exports: [RateLimiter, AdaptiveLimitsService, RequestThrottle, LOGIN_ATTEMPTS],
})
export class ThrottlingModule {}
