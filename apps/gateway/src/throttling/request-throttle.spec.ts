import type { Principal } from '@platform/contracts';
import { throttleLimits, type ThrottleSettings } from './throttle-limits';

describe('throttle limits of a request', () => {
  const settings = (factor = 1, scale = 1): ThrottleSettings => ({
    config: { GATEWAY_REDIS_KEY_PREFIX: 'gw:', RATE_LIMIT_PLAN_SCALE: scale },
    windowLimits: { read: 600, write: 120, sensitive: 20, public: 60, credential: 10 },
    factor,
  });
  const route = { id: 'members.list', rateLimit: 'read' as const };
  const user: Principal = {
    kind: 'user',
    userId: 'u1',
    organizationId: 'o1',
    roles: ['viewer'],
    scopes: [],
    apiKeyId: null,
    plan: 'STARTER',
  };

  it('limits an anonymous caller by IP on the route’s window only', () => {
    expect(
      throttleLimits({ id: 'auth.login', rateLimit: 'credential' }, null, '203.0.113.5', settings()),
    ).toEqual([{ kind: 'window', key: 'gw:rl:{ip:203.0.113.5}:w:auth.login', limit: 10, windowMs: 60_000 }]);
  });

  it('gives a user the organization’s bucket at the plan rate + 20 % burst, and a per-user window', () => {
    const [bucket, window] = throttleLimits(route, user, 'ip', settings());
    // STARTER: 300/min → capacity 360, 5 tokens per second.
    expect(bucket).toEqual({
      kind: 'bucket',
      key: 'gw:rl:{org:o1}:b',
      capacity: 360,
      refillPerMs: 0.005,
      cost: 1,
    });
    expect(window).toMatchObject({ key: 'gw:rl:{org:o1}:w:members.list:user:u1', limit: 600 });
  });

  it('makes API keys draw from their organization’s bucket, each with a window of its own', () => {
    const keyPrincipal = (apiKeyId: string): Principal => ({
      ...user,
      kind: 'api-key',
      userId: null,
      apiKeyId,
    });
    const [bucketA, windowA] = throttleLimits(route, keyPrincipal('k1'), 'ip', settings());
    const [bucketB, windowB] = throttleLimits(route, keyPrincipal('k2'), 'ip', settings());
    const [bucketUser] = throttleLimits(route, user, 'ip', settings());
    expect([bucketA!.key, bucketB!.key, bucketUser!.key]).toEqual([
      'gw:rl:{org:o1}:b',
      'gw:rl:{org:o1}:b',
      'gw:rl:{org:o1}:b',
    ]);
    expect([windowA!.key, windowB!.key]).toEqual([
      'gw:rl:{org:o1}:w:members.list:key:k1',
      'gw:rl:{org:o1}:w:members.list:key:k2',
    ]);
  });

  it('shrinks windows and raises the token cost by the adaptive factor, and scales plans', () => {
    const [bucket, window] = throttleLimits(route, user, 'ip', settings(0.5, 2));
    expect(bucket).toMatchObject({ capacity: 720, cost: 2 });
    expect(window).toMatchObject({ limit: 300 });
  });

  it('treats a principal without a plan as FREE', () => {
    const [bucket] = throttleLimits(route, { ...user, plan: undefined }, 'ip', settings());
    expect(bucket).toMatchObject({ capacity: 72 });
  });
});
