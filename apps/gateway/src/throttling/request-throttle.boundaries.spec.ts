import type { FastifyReply } from 'fastify';
import type { Principal } from '@platform/contracts';
import { setRateLimitHeaders, throttleLimits, type ThrottleSettings } from './throttle-limits';

/** The pure part of request throttling at its edges; every figure worked out by hand. */
describe('throttle limits, at their edges', () => {
  const settings = (factor = 1): ThrottleSettings => ({
    config: { GATEWAY_REDIS_KEY_PREFIX: 'gw:', RATE_LIMIT_PLAN_SCALE: 1 },
    windowLimits: { read: 600, write: 120, sensitive: 20, public: 60, credential: 10 },
    factor,
  });
  const route = { id: 'members.list', rateLimit: 'read' as const };
  const codePrincipal: Principal = {
    kind: 'organization-code',
    userId: null,
    organizationId: 'o1',
    roles: ['viewer'],
    scopes: [],
    apiKeyId: null,
    plan: 'FREE',
  };

  it('gives a bare organization code (no x-user-id) the organization’s bucket and window', () => {
    expect(throttleLimits(route, codePrincipal, '198.51.100.7', settings())).toEqual([
      // FREE: 60/min → capacity 72, 1 token per second.
      { kind: 'bucket', key: 'gw:rl:{org:o1}:b', capacity: 72, refillPerMs: 0.001, cost: 1 },
      { kind: 'window', key: 'gw:rl:{org:o1}:w:members.list', limit: 600, windowMs: 60_000 },
    ]);
  });

  it('gives an organization code acting as a member that member’s window', () => {
    const [, window] = throttleLimits(route, { ...codePrincipal, userId: 'u9' }, 'ip', settings());
    expect(window).toMatchObject({ key: 'gw:rl:{org:o1}:w:members.list:user:u9' });
  });

  it('falls back to a bucket of the user for a principal without an organization', () => {
    const orphan: Principal = { ...codePrincipal, kind: 'user', organizationId: null, userId: 'u1' };
    const [bucket, window] = throttleLimits(route, orphan, 'ip', settings());
    expect(bucket).toMatchObject({ key: 'gw:rl:{user:u1}:b' });
    expect(window).toMatchObject({ key: 'gw:rl:{user:u1}:w:members.list' });
  });

  it('never shrinks a window below one request, and rounds the token cost up', () => {
    // credential: 10/min × 0.05 = 0.5 → floored to 0 → at least 1; cost ⌈1 / 0.05⌉ = 20.
    expect(throttleLimits({ id: 'x', rateLimit: 'credential' }, null, 'ip', settings(0.05))).toEqual([
      { kind: 'window', key: 'gw:rl:{ip:ip}:w:x', limit: 1, windowMs: 60_000 },
    ]);
    const [bucket, window] = throttleLimits(route, codePrincipal, 'ip', settings(0.3));
    expect(bucket).toMatchObject({ cost: 4 }); // ⌈3.33⌉
    expect(window).toMatchObject({ limit: 180 }); // ⌊600 × 0.3⌋
  });

  it('rounds a fractional bucket capacity up', () => {
    const scaled: ThrottleSettings = {
      ...settings(),
      config: { GATEWAY_REDIS_KEY_PREFIX: '', RATE_LIMIT_PLAN_SCALE: 0.01 },
    };
    // FREE 60 × 0.01 = 0.6/min → capacity ⌈0.72⌉ = 1.
    const [bucket] = throttleLimits(route, codePrincipal, 'ip', scaled);
    expect(bucket).toMatchObject({ key: 'rl:{org:o1}:b', capacity: 1, refillPerMs: 0.6 / 60_000 });
  });
});

describe('RateLimit headers', () => {
  const recorded = () => {
    const headers: Record<string, string> = {};
    const reply = {
      header(name: string, value: string) {
        headers[name] = value;
        return reply;
      },
    };
    return { headers, reply: reply as unknown as FastifyReply };
  };

  it('sends limit, remaining and reset on an allowed request, and no Retry-After', () => {
    const { headers, reply } = recorded();
    setRateLimitHeaders(reply, { allowed: true, limit: 600, remaining: 599, resetSeconds: 1 });
    expect(headers).toEqual({
      'ratelimit-limit': '600',
      'ratelimit-remaining': '599',
      'ratelimit-reset': '1',
    });
  });

  it('adds Retry-After on a refusal', () => {
    const { headers, reply } = recorded();
    setRateLimitHeaders(reply, {
      allowed: false,
      limit: 10,
      remaining: 0,
      resetSeconds: 42,
      retryAfterSeconds: 7,
    });
    expect(headers).toEqual({
      'ratelimit-limit': '10',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '42',
      'retry-after': '7',
    });
  });
});
