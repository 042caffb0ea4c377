import { PASSWORD, register } from './support/accounts';
import { usePlatform } from './support/platform';

/** The production defaults of the login guard (written out here, not read from the code). */
const FREE_ATTEMPTS_PER_ACCOUNT = 10;
const FREE_ATTEMPTS_PER_CLIENT = 5;
const FIRST_DELAY_SECONDS = 30;
const DEVICE_TOKEN_HEADER = 'x-device-token';

let ipCounter = 10;
/** A client address of its own (the gateway trusts one proxy hop here). */
const newIp = () => `203.0.113.${ipCounter++}`;

/**
 * Password guessing against one account as an attacker meets it: spread over many addresses it is
 * slowed down account-wide, a single address only slows itself, and the owner's known device or
 * known address is never held back by strangers' failures.
 */
describe('login guessing through the gateway (whole platform, real Redis)', () => {
  const suite = usePlatform({ TRUSTED_PROXY_HOPS: '1', RATE_LIMIT_CREDENTIAL_PER_MINUTE: '1000' });

  const login = (email: string, password: string, ip: string, deviceToken?: string) =>
    suite.api.post<{ code?: string; retryAfterSeconds?: number }>('/v1/auth/login', {
      json: { email, password },
      headers: {
        'x-forwarded-for': ip,
        ...(deviceToken ? { [DEVICE_TOKEN_HEADER]: deviceToken } : {}),
      },
    });

  it('50 wrong passwords from 10 addresses: only the account budget is judged, strangers then wait, the owner still gets in', async () => {
    const owner = await register(suite.api, 'target', { 'x-forwarded-for': newIp() });
    // The owner signed in before: their laptop holds a device token, their office address is known.
    const officeIp = newIp();
    const earlier = await login(owner.email, PASSWORD, officeIp);
    expect(earlier.status).toBe(200);
    const deviceToken = earlier.headers.get(DEVICE_TOKEN_HEADER);
    expect(deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const attackers = Array.from({ length: 10 }, newIp);
    const guesses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => login(owner.email, `wrong guess ${i}`, attackers[i % 10]!)),
    );
    const statuses = guesses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(FREE_ATTEMPTS_PER_ACCOUNT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(50 - FREE_ATTEMPTS_PER_ACCOUNT);
    const refused = guesses.find((response) => response.status === 429)!;
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(FIRST_DELAY_SECONDS);
    expect(refused.body.retryAfterSeconds).toBe(retryAfter);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');

    // The right password from an address never seen waits too: strangers share the account's budget.
    const stranger = await login(owner.email, PASSWORD, newIp());
    expect(stranger.status).toBe(429);
    expect(stranger.body).toMatchObject({ code: 'RATE_LIMITED' });

    // The owner's device, even from an address of a hotel, is judged by its own budget.
    const travelling = await login(owner.email, PASSWORD, newIp(), deviceToken!);
    expect(travelling.status).toBe(200);
    expect(travelling.headers.get(DEVICE_TOKEN_HEADER)).toBe(deviceToken);
    // So is the address the owner last signed in from, without a token.
    expect((await login(owner.email, PASSWORD, officeIp)).status).toBe(200);
  });

  it('a device token of another account, or a made-up one, makes no stranger an owner', async () => {
    const target = await register(suite.api, 'token-target', { 'x-forwarded-for': newIp() });
    const attacker = await register(suite.api, 'token-holder', { 'x-forwarded-for': newIp() });
    const own = await login(attacker.email, PASSWORD, newIp());
    const attackersToken = own.headers.get(DEVICE_TOKEN_HEADER)!;
    expect(attackersToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const ips = Array.from({ length: 3 }, newIp);
    const guesses = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        login(target.email, `wrong ${i}`, ips[i % 3]!, i % 2 ? attackersToken : 'A'.repeat(43)),
      ),
    );
    expect(guesses.filter((response) => response.status === 401)).toHaveLength(FREE_ATTEMPTS_PER_ACCOUNT);
    expect(guesses.filter((response) => response.status === 429)).toHaveLength(
      15 - FREE_ATTEMPTS_PER_ACCOUNT,
    );
  });

  it('one address guessing gets a short delay, not a 15-minute lockout, and cannot lock the owner out', async () => {
    const victim = await register(suite.api, 'colleague', { 'x-forwarded-for': newIp() });
    const attackerIp = newIp();
    for (let i = 0; i < FREE_ATTEMPTS_PER_CLIENT; i++) {
      expect((await login(victim.email, `wrong guess ${i}`, attackerIp)).status).toBe(401);
    }
    const delayed = await login(victim.email, PASSWORD, attackerIp);
    expect(delayed.status).toBe(429);
    expect(delayed.body).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = Number(delayed.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(FIRST_DELAY_SECONDS);

    // The victim, from an address the platform has never seen, is not held back by one address.
    expect((await login(victim.email, PASSWORD, newIp())).status).toBe(200);
  });
});
