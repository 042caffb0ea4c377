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

    const burst = await Promise.all(Array.from({ length: FREE_BURST }, call));
    expect(burst.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    expect(burst.map((r) => Number(r.headers.get('ratelimit-remaining'))).sort((x, y) => x - y)[0]).toBe(0);

    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('ratelimit-limit')).toBe(String(FREE_BURST));
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');

    // One token a second comes back.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await call()).status).toBe(200);
  });

  it('keeps buckets independent: per API key, per organization', async () => {
    const { api } = suite;
    const ip = newIp();
    const owner = await registerFrom(ip, 'keys');
    const other = await registerFrom(ip, 'other-org');
    const keys: string[] = [];
    for (const name of ['first', 'second']) {
      const created = await api.post<{ secret: string }>('/v1/orgs/api-keys', {
        token: owner.tokens.accessToken,
        json: { name },
        headers: from(ip),
      });
      keys.push(created.body.secret);
    }
    const withKey = (key: string) =>
      api.get('/v1/orgs/members', { headers: { ...from(ip), 'x-api-key': key } });

    const drained = await Promise.all(Array.from({ length: FREE_BURST + 5 }, () => withKey(keys[0]!)));
    expect(drained.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(4);

    const second = await withKey(keys[1]!);
    expect(second.status).not.toBe(429);
    expect(Number(second.headers.get('ratelimit-remaining'))).toBeGreaterThan(FREE_BURST - 5);
    expect(
      (await api.get('/v1/auth/profile', { token: owner.tokens.accessToken, headers: from(ip) })).status,
    ).toBe(200);
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
