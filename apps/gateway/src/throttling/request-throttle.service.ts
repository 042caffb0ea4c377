import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import type { PendingRevocationCheck } from '../authentication/token-denylist';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { serviceOfRoute, type RouteDefinition } from '../routes/route-definition';
import { AdaptiveLimitsService } from './adaptive/adaptive-limits.service';
import { windowLimitsPerMinute, type RateLimitClass } from './rate-limit-classes';
import type { LimitSpec } from './rate-limit.types';
import { setRateLimitHeaders, throttleLimits } from './throttle-limits';
import { RateLimiter } from './rate-limiter.service';

/**
 * The limits of one request, checked in one atomic script:
 * - public routes: the route's sliding window per client IP;
 * - authenticated routes: the organization's one token bucket (shared by its users, API keys and
 *   code) at the plan's requestsPerMinute with RATE_LIMIT_BURST_RATIO of burst, plus the route's
 *   sliding window per caller (user, API key, or organization for a bare organization code).
 * While the route's backend service is degraded, its windows shrink by the adaptive factor and its
 * requests cost 1/factor tokens. Keys carry a `{hash tag}` so one request's keys share a Redis
 * Cluster slot.
 */
@Injectable()
export class RequestThrottle {
  private readonly windowLimits: Record<RateLimitClass, number>;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly adaptive: AdaptiveLimitsService,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {
    this.windowLimits = windowLimitsPerMinute(config);
  }

  async enforce(
    route: RouteDefinition,
    principal: Principal | null,
    ip: string,
    reply: FastifyReply,
    revocation?: PendingRevocationCheck,
  ): Promise<void> {
    // With `revocation`, the credential's denylist check runs in the same script, first (a revoked
    // token is refused with 401 and consumes nothing).
    const decision = await this.limiter.check(this.limitsFor(route, principal, ip), revocation);
    if (!decision) return; // Redis down and failing open (logged by the limiter)
    setRateLimitHeaders(reply, decision);
    if (!decision.allowed) {
      throw new DomainError('RATE_LIMITED', `Rate limit exceeded; retry in ${decision.retryAfterSeconds} s`, {
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
  }

  limitsFor(route: RouteDefinition, principal: Principal | null, ip: string): LimitSpec[] {
    const factor = this.adaptive.factorFor(serviceOfRoute(route));
    return throttleLimits(route, principal, ip, {
      config: this.config,
      windowLimits: this.windowLimits,
      factor,
    });
  }
}
