import type { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { loadConfig } from '@platform/config';
import { createLogger } from '@platform/logging';
import { createTestRedis, type TestRedis } from '@platform/testing';
import { gatewayEnvSchema, type GatewayEnv } from '../src/config/gateway-env.schema';
import { LoginGuard, type LoginAttempt } from '../src/throttling/login-guard';

/** Small numbers for the budgets: 4 free per account (strangers), 3 per client, 10 s doubling to 40 s. */
const ENV = {
  LOGIN_FREE_ATTEMPTS_PER_ACCOUNT: '4',
  LOGIN_FREE_ATTEMPTS_PER_CLIENT: '3',
  LOGIN_DELAY_BASE_SECONDS: '10',
  LOGIN_DELAY_MAX_SECONDS: '40',
  LOGIN_ATTEMPT_WINDOW_SECONDS: '100',
  RATE_LIMIT_REDIS_TIMEOUT_MS: '1000',
};

/** The headers a refused attempt set, in a stand-in for Fastify's reply. */
function recordingReply() {
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name] = value;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, headers };
}

let emailCounter = 0;
const newEmail = () => `user-${Date.now()}-${emailCounter++}@example.com`;
let ipCounter = 1;
const newIp = () => `198.51.100.${ipCounter++}`;

describe('login guard in Redis: delays per account, address and known device (real Redis, explicit time)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let now = Date.UTC(2030, 0, 1);
  const advance = (seconds: number) => (now += seconds * 1000);
  let guard: LoginGuard;

  beforeAll(async () => {
    testRedis = await createTestRedis('login');
    redis = new Redis(testRedis.url);
    const config = loadConfig(gatewayEnvSchema, {
      ...ENV,
      GATEWAY_REDIS_KEY_PREFIX: testRedis.keyPrefix,
    }) as GatewayEnv;
    guard = new LoginGuard(redis, config, createLogger({ service: 'gateway', level: 'silent' }), () => now);
  });
  afterAll(async () => {
    redis.disconnect();
    await testRedis.cleanup();
  });

  /** Resolves with the attempt, or with the seconds to wait when refused. */
  const attempt = async (email: string, ip: string, token?: string) => {
    const { reply, headers } = recordingReply();
    try {
      return { admitted: await guard.admit(email, ip, token, reply) };
    } catch (error) {
      expect(error).toMatchObject({ code: 'RATE_LIMITED' });
      const retryAfter = (error as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds;
      expect(headers).toMatchObject({ 'retry-after': String(retryAfter), 'ratelimit-remaining': '0' });
      return { retryAfter, limit: Number(headers['ratelimit-limit']) };
    }
  };
  const waitOf = async (email: string, ip: string, token?: string) =>
    (await attempt(email, ip, token)).retryAfter;

  it('strangers on many addresses share the account budget: 4 free, then waits of 10, 20, 40, 40 s', async () => {
    const email = newEmail();
    for (let i = 0; i < 4; i++) expect((await attempt(email, newIp())).admitted).toMatchObject({ judge: 0 });
    expect(await attempt(email, newIp())).toEqual({ retryAfter: 10, limit: 4 });
    advance(9);
    expect(await waitOf(email, newIp())).toBe(1);
    advance(1);
    expect((await attempt(email, newIp())).admitted).toMatchObject({ judge: 0 });
    expect(await waitOf(email, newIp())).toBe(20);
    advance(20);
    expect((await attempt(email, newIp())).admitted).toMatchObject({ judge: 0 });
    expect(await waitOf(email, newIp())).toBe(40);
    advance(40);
    expect((await attempt(email, newIp())).admitted).toMatchObject({ judge: 0 });
    expect(await waitOf(email, newIp())).toBe(40); // capped
  });

  it('one address gets 3 free, then doubling delays instead of a lockout; another address still gets in', async () => {
    const email = newEmail();
    const ip = newIp();
    for (let i = 0; i < 3; i++) expect((await attempt(email, ip)).admitted).toMatchObject({ judge: 0 });
    expect(await attempt(email, ip)).toEqual({ retryAfter: 10, limit: 3 });
    expect((await attempt(email, newIp())).admitted).toMatchObject({ judge: 0 }); // the account budget has 1 left
    advance(10);
    expect((await attempt(email, ip)).admitted).toMatchObject({ judge: 0 });
    expect(await waitOf(email, ip)).toBe(20);
  });

  it('a known device, or the address of a past sign-in, is judged by its own budget, not the account-wide one', async () => {
    const email = newEmail();
    const homeIp = newIp();
    const signedIn = (await attempt(email, homeIp)).admitted!;
    const token = (await guard.succeeded(signedIn))!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    for (let i = 0; i < 4; i++) await attempt(email, newIp());
    expect(await waitOf(email, newIp())).toBe(10); // strangers wait

    // The device, from anywhere: its own 3 free attempts.
    const travelling = newIp();
    for (let i = 0; i < 3; i++)
      expect((await attempt(email, travelling, token)).admitted).toMatchObject({ judge: 2 });
    expect(await waitOf(email, travelling, token)).toBe(10);
    // The home address, without the token: its own budget.
    expect((await attempt(email, homeIp)).admitted).toMatchObject({ judge: 1 });
    // A success from the device hands the same token back and forgets the device's failures.
    const again = (await attempt(email, newIp(), token)).admitted;
    expect(again).toBeUndefined(); // still waiting: the device's own delay
    advance(10);
    const admitted = (await attempt(email, newIp(), token)).admitted!;
    expect(await guard.succeeded(admitted)).toBe(token);
    for (let i = 0; i < 3; i++)
      expect((await attempt(email, newIp(), token)).admitted).toMatchObject({ judge: 2 });
  });

  it("another account's device token, or a made-up one, is a stranger here", async () => {
    const mine = newEmail();
    const target = newEmail();
    const token = (await guard.succeeded((await attempt(mine, newIp())).admitted!))!;
    for (let i = 0; i < 4; i++) await attempt(target, newIp());
    expect(await waitOf(target, newIp(), token)).toBe(10);
    expect(await waitOf(target, newIp(), 'A'.repeat(43))).toBe(10);
  });

  it('counts attempts as they start: 100 concurrent guesses from 50 addresses admit exactly the account budget', async () => {
    const email = newEmail();
    const ips = Array.from({ length: 50 }, newIp);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => attempt(email, ips[i % 50]!)));
    expect(results.filter((r) => r.admitted)).toHaveLength(4);
  });

  it('an attempt auth never judged is given back with its delay; a quiet window forgets everything', async () => {
    const email = newEmail();
    const ip = newIp();
    const attempts: LoginAttempt[] = [];
    for (let i = 0; i < 3; i++) attempts.push((await attempt(email, ip)).admitted!);
    expect(await waitOf(email, ip)).toBe(10);
    await guard.refund(attempts[2]!);
    expect((await attempt(email, ip)).admitted).toMatchObject({ judge: 0 });
    expect(await waitOf(email, ip)).toBe(10);

    advance(10 + 99); // the delay is over, its quiet window not yet: the count stands
    expect((await attempt(email, ip)).admitted).toMatchObject({ judge: 0 });
    expect(await waitOf(email, ip)).toBe(20);
    advance(20 + 100); // the delay and a quiet window after it: forgotten
    for (let i = 0; i < 3; i++) expect((await attempt(email, ip)).admitted).toMatchObject({ judge: 0 });
  });

  it('keys hold hashes only, one Redis Cluster slot per account, whatever the case of the email', () => {
    const keys = guard.keys('Victim@Example.com', '203.0.113.7', 'A'.repeat(43));
    const all = [keys.account, keys.address, keys.device, keys.knownDevice, keys.knownAddress].join(' ');
    expect(all).not.toMatch(/victim|example|203\.0\.113|AAAA/i);
    const tags = new Set(all.split(' ').map((key) => /\{([^}]+)\}/.exec(key)![1]));
    expect(tags.size).toBe(1);
    expect(guard.keys(' victim@example.com ', '203.0.113.7').account).toBe(keys.account);
  });
});
