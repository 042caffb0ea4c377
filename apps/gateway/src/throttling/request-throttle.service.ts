import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PLANS, RATE_LIMIT_BURST_RATIO, type Principal } from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import type { PendingRevocationCheck } from '../authentication/token-denylist';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { serviceOfRoute, type RouteDefinition } from '../routes/route-definition';
import { AdaptiveLimitsService } from './adaptive/adaptive-limits.service';
import { windowLimitsPerMinute, type RateLimitClass } from './rate-limit-classes';
import type { LimitSpec, ThrottleDecision } from './rate-limit.types';
import { RateLimiter } from './rate-limiter.service';

const MINUTE_MS = 60_000;

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

export interface ThrottleSettings {
  config: Pick<GatewayEnv, 'GATEWAY_REDIS_KEY_PREFIX' | 'RATE_LIMIT_PLAN_SCALE'>;
  windowLimits: Record<RateLimitClass, number>;
  /** The adaptive factor of the route's service (1 when healthy). */
  factor: number;
}

/** The limits one request draws from (see RequestThrottle). */
export function throttleLimits(
  route: Pick<RouteDefinition, 'id' | 'rateLimit'>,
  principal: Principal | null,
  ip: string,
  { config, windowLimits, factor }: ThrottleSettings,
): LimitSpec[] {
  const window = (tag: string, caller: string): LimitSpec => ({
    kind: 'window',
    key: `${config.GATEWAY_REDIS_KEY_PREFIX}rl:{${tag}}:w:${route.id}${caller}`,
    limit: Math.max(1, Math.floor(windowLimits[route.rateLimit] * factor)),
    windowMs: MINUTE_MS,
  });
  if (!principal) return [window(`ip:${ip}`, '')];

  // One plan bucket per organization, whatever the credential: its users' tokens, its API keys and
  // its code all draw from it, so adding keys never multiplies the plan's rate. Only a principal
  // without an organization (none today) would fall back to a bucket of its own user.
  const tag = principal.organizationId ? `org:${principal.organizationId}` : `user:${principal.userId}`;
  // The per-endpoint window stays per caller: this user, this API key, or the bare organization code.
  const caller = principal.apiKeyId
    ? `:key:${principal.apiKeyId}`
    : principal.userId && principal.organizationId
      ? `:user:${principal.userId}`
      : '';
  const perMinute = PLANS[principal.plan ?? 'FREE'].requestsPerMinute * config.RATE_LIMIT_PLAN_SCALE;
  return [
    {
      kind: 'bucket',
      key: `${config.GATEWAY_REDIS_KEY_PREFIX}rl:{${tag}}:b`,
      capacity: Math.ceil(perMinute * (1 + RATE_LIMIT_BURST_RATIO)),
      refillPerMs: perMinute / MINUTE_MS,
      cost: Math.ceil(1 / factor),
    },
    window(tag, caller),
  ];
}

/** IETF draft-ietf-httpapi-ratelimit-headers fields, on every throttled response (allowed or not). */
export function setRateLimitHeaders(reply: FastifyReply, decision: ThrottleDecision): void {
  void reply.header('ratelimit-limit', String(decision.limit));
  void reply.header('ratelimit-remaining', String(decision.remaining));
  void reply.header('ratelimit-reset', String(decision.resetSeconds));
  if (decision.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(decision.retryAfterSeconds));
}
