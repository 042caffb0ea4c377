import { PLANS, RATE_LIMIT_BURST_RATIO } from '@platform/contracts';
import { PASSWORD, register, type Account } from './support/accounts';
import { usePlatform } from './support/platform';

const FREE_BURST = Math.ceil(PLANS.FREE.requestsPerMinute * (1 + RATE_LIMIT_BURST_RATIO)); // 72
const CREDENTIAL_PER_MINUTE = 20;
/** Password attempts one address gets per account before it must wait (e2e/login-guessing.spec.ts). */
const LOGIN_FREE_ATTEMPTS_PER_CLIENT = 5;

let ipCounter = 10;
/** A client address of its own per test (the gateway trusts one proxy hop here). */
const newIp = () => `198.51.100.${ipCounter++}`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });

/** Throttling as clients meet it, with the production defaults of the limits (whole platform). */
describe('throttling through the gateway (whole platform, real Redis)', () => {
  const suite = usePlatform({
    TRUSTED_PROXY_HOPS: '1',
    RATE_LIMIT_CREDENTIAL_PER_MINUTE: String(CREDENTIAL_PER_MINUTE),
  });

  const registerFrom = (ip: string, label: string): Promise<Account> => register(suite.api, label, from(ip));

  it(`lets a FREE organization burst ${FREE_BURST} requests (60/min + 20 %), then answers 429 with Retry-After`, async () => {
    const { api } = suite;
    const ip = newIp();
    const owner = await registerFrom(ip, 'burst');
    const call = () => api.get('/v1/auth/profile', { token: owner.tokens.accessToken, headers: from(ip) });

    const started = Date.now();
    const burst = await Promise.all(Array.from({ length: FREE_BURST }, call));
    // One token a second flows back meanwhile: on a loaded machine a burst that takes 3 s leaves 3.
    const refilled = () => Math.ceil((Date.now() - started) / 1000);
    expect(burst.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const lowestRemaining = burst
      .map((r) => Number(r.headers.get('ratelimit-remaining')))
      .sort((x, y) => x - y)[0];
    expect(lowestRemaining).toBeLessThanOrEqual(refilled());

    // Each call draws a token and one flows back a second, so calls (each far under a second) drain
    // what refilled meanwhile; bounded by a count, not a clock, and far above what a second can refill.
    let refused = await call();
    let extra = 0;
    for (; refused.status === 200 && extra < 100; extra++) refused = await call();
    expect(refused.status).toBe(429);
    expect(extra).toBeLessThanOrEqual(refilled()); // no more got in than flowed back
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('ratelimit-limit')).toBe(String(FREE_BURST));
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');

    // One token a second comes back: a client that waits what Retry-After says gets in. (The clock is
    // Redis's TIME, which a test cannot move, hence a real wait of one second.)
    await new Promise((resolve) =>
      setTimeout(resolve, 1000 * Number(refused.headers.get('retry-after')) + 100),
    );
    expect((await call()).status).toBe(200);
  });

  it('makes a token and two API keys of one FREE organization draw from its one bucket (72 in total)', async () => {
    const { api } = suite;
    const ip = newIp();
    const owner = await registerFrom(ip, 'shared-bucket');
    const other = await registerFrom(ip, 'other-org');
    const keys: string[] = [];
    for (const name of ['first', 'second']) {
      const created = await api.post<{ secret: string }>('/v1/orgs/api-keys', {
        token: owner.tokens.accessToken,
        json: { name },
        headers: from(ip),
      });
      expect(created.status).toBe(201);
      keys.push(created.body.secret);
    }
    const withToken = () =>
      api.get('/v1/auth/profile', { token: owner.tokens.accessToken, headers: from(ip) });
    const withKey = (key: string) => () =>
      api.get('/v1/orgs/members', { headers: { ...from(ip), 'x-api-key': key } });
    // Each credential alone stays under the plan's burst; together they are well over it.
    const callers = [withToken, withKey(keys[0]!), withKey(keys[1]!)];

    const started = Date.now();
    const burst = await Promise.all(Array.from({ length: 3 * 50 }, (_, i) => callers[i % 3]!()));
    const elapsedSeconds = (Date.now() - started) / 1000;

    // FREE: 60 requests/minute × RATE_LIMIT_PLAN_SCALE 1 + 20 % burst = 72 tokens, refilled at 1 a second.
    const planCapacity = 60 * 1 * 1.2;
    // Admitted = past the throttle (the auth service then refuses user-only routes to a key with 403,
    // which does not matter here: the request already drew its token).
    const admitted = burst.filter((r) => r.status !== 429).length;
    expect(admitted).toBeLessThanOrEqual(planCapacity + Math.ceil(elapsedSeconds));
    expect(admitted).toBeGreaterThanOrEqual(planCapacity - 2); // the two key creations drew from it too
    expect(burst.filter((r) => r.status === 429)).toHaveLength(burst.length - admitted);
    expect(burst.find((r) => r.status === 429)?.body).toMatchObject({ code: 'RATE_LIMITED' });
    // Another organization has a bucket of its own.
    expect(
      (await api.get('/v1/auth/profile', { token: other.tokens.accessToken, headers: from(ip) })).status,
    ).toBe(200);
  });

  it('forgets failed attempts after a successful login', async () => {
    const { api } = suite;
    const ip = newIp();
    const user = await registerFrom(newIp(), 'recovering');
    const login = (password: string) =>
      api.post('/v1/auth/login', { json: { email: user.email, password }, headers: from(ip) });

    for (let i = 0; i < LOGIN_FREE_ATTEMPTS_PER_CLIENT - 1; i++)
      expect((await login('wrong password guess')).status).toBe(401);
    expect((await login(PASSWORD)).status).toBe(200);
    for (let i = 0; i < LOGIN_FREE_ATTEMPTS_PER_CLIENT - 1; i++)
      expect((await login('wrong password guess')).status).toBe(401);
    expect((await login(PASSWORD)).status).toBe(200);
  });

  it('limits unauthenticated routes per client IP, atomically under concurrency', async () => {
    const { api } = suite;
    const ip = newIp();
    const attempts = await Promise.all(
      Array.from({ length: 100 }, () =>
        api.post('/v1/auth/refresh', { json: { refreshToken: 'not-a-real-token' }, headers: from(ip) }),
      ),
    );

    expect(attempts.filter((r) => r.status !== 429)).toHaveLength(CREDENTIAL_PER_MINUTE);
    const refused = attempts.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
    // Another address is not affected.
    const elsewhere = await api.post('/v1/auth/refresh', {
      json: { refreshToken: 'x' },
      headers: from(newIp()),
    });
    expect(elsewhere.status).toBe(401);
  });
});
