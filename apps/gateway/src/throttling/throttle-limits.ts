import type { FastifyReply } from 'fastify';
import { planRateLimit, type Principal } from '@platform/contracts';
import type { GatewayEnv } from '../config/gateway-env.schema';
import type { RouteDefinition } from '../routes/route-definition';
import type { RateLimitClass } from './rate-limit-classes';
import type { LimitSpec, ThrottleDecision } from './rate-limit.types';

// The pure part of throttling (which buckets and windows a request draws from, the RateLimit
// headers): a file of its own so the mutation gate covers it whole (stryker.config.json).

const MINUTE_MS = 60_000;

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
  const plan = planRateLimit(principal.plan ?? 'FREE', config.RATE_LIMIT_PLAN_SCALE);
  return [
    {
      kind: 'bucket',
      key: `${config.GATEWAY_REDIS_KEY_PREFIX}rl:{${tag}}:b`,
      capacity: plan.burst,
      refillPerMs: plan.requestsPerMinute / MINUTE_MS,
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
