import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { REDIS } from '@platform/redis';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { AdaptiveLimitsService } from './adaptive/adaptive-limits.service';
import { AttemptsLimiter } from './attempts.limiter';
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
      useFactory: (redis: Redis, config: GatewayEnv, logger: Logger) =>
        new AttemptsLimiter(redis, config, logger, {
          name: 'login',
          maxAttempts: config.LOGIN_MAX_ATTEMPTS,
          windowMs: config.LOGIN_ATTEMPT_WINDOW_SECONDS * 1000,
          lockoutMs: config.LOGIN_LOCKOUT_SECONDS * 1000,
          lockedMessage: 'Too many login attempts for this account from your address; try again later',
        }),
    },
  ],
  exports: [RateLimiter, AdaptiveLimitsService, RequestThrottle, LOGIN_ATTEMPTS],
})
export class ThrottlingModule {}
