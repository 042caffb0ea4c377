import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import Redis from 'ioredis';
import { loadConfig } from '@platform/config';
import { denylistKeys } from '@platform/contracts';
import { createLogger } from '@platform/logging';
import { createTestRedis, waitFor, type TestRedis } from '@platform/testing';
import { TokenDenylist } from '../src/authentication/token-denylist';
import { gatewayEnvSchema, type GatewayEnv } from '../src/config/gateway-env.schema';
import type { LimitSpec } from '../src/throttling/rate-limit.types';
import { RateLimiter } from '../src/throttling/rate-limiter.service';

/** A logger whose JSON lines land in an array. */
function memoryLogger() {
  const lines: { level: string; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as { level: string; msg: string });
      done();
    },
  });
  return { logger: createLogger({ service: 'gateway', level: 'info', destination }), lines };
}

/**
 * The limiter under test waits long for Redis: 1,000 concurrent scripts on a loaded 2-core machine
 * can take seconds, and a check past the timeout fails open (null) instead of counting. The
 * fail-open/closed tests below set short timeouts of their own.
 */
function config(env: Record<string, string> = {}): GatewayEnv {
  return loadConfig(gatewayEnvSchema, { RATE_LIMIT_REDIS_TIMEOUT_MS: '30000', ...env }) as GatewayEnv;
}

/** Redis's TIME and Date.now() read the same host clock; the script rounds to the millisecond. */
const CLOCK_ROUNDING_MS = 2;

describe('rate limiting in Redis with atomic Lua scripts (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let limiter: RateLimiter;
  const key = (name: string) => `${testRedis.keyPrefix}rl:{${randomUUID()}}:${name}`;
  const bucket = (capacity: number, perMinute: number, cost = 1, k = key('b')): LimitSpec => ({
    kind: 'bucket',
    key: k,
    capacity,
    refillPerMs: perMinute / 60_000,
    cost,
  });
  const window = (limit: number, windowMs = 60_000, k = key('w')): LimitSpec => ({
    kind: 'window',
    key: k,
    limit,
    windowMs,
  });

  beforeAll(async () => {
    testRedis = await createTestRedis('rl');
    redis = new Redis(testRedis.url);
    limiter = new RateLimiter(redis, config(), memoryLogger().logger);
  });
  afterAll(async () => {
    redis.disconnect();
    await testRedis.cleanup();
  });

  describe('token bucket', () => {
    it('allows the burst capacity, then refuses with the time until one token is back', async () => {
      const limit = bucket(6, 5); // 5/min sustained, +20% burst
      const decisions = [];
      for (let i = 0; i < 7; i++) decisions.push(await limiter.check([limit]));

      expect(decisions.map((d) => d!.allowed)).toEqual([true, true, true, true, true, true, false]);
      expect(decisions.map((d) => d!.remaining)).toEqual([5, 4, 3, 2, 1, 0, 0]);
      expect(decisions[0]).toMatchObject({ limit: 6, resetSeconds: 12 });
      // One token every 12 s at 5/min.
      expect(decisions[6]!.retryAfterSeconds).toBeGreaterThanOrEqual(11);
      expect(decisions[6]!.retryAfterSeconds).toBeLessThanOrEqual(12);
    });

    it('refills continuously at the sustained rate', async () => {
      const limit = bucket(2, 60); // 1 token per second
      const started = Date.now();
      await limiter.check([limit]);
      await limiter.check([limit]);
      expect((await limiter.check([limit]))!.allowed).toBe(false);

      // A refused check takes nothing, so polling is harmless: the next token comes one second after
      // the first was taken (Redis's clock, which a test cannot move), not before and not much later.
      await waitFor('a token to flow back', async () => (await limiter.check([limit]))!.allowed, {
        timeoutMs: 3_000,
        intervalMs: 20,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000 - CLOCK_ROUNDING_MS);
    });

    it('charges a request its cost (adaptive throttling makes requests to a degraded service cost more)', async () => {
      const limit = bucket(6, 60, 2);
      const allowed = [];
      for (let i = 0; i < 4; i++) allowed.push((await limiter.check([limit]))!.allowed);
      expect(allowed).toEqual([true, true, true, false]);
    });

    it('lets exactly the capacity through 1,000 concurrent requests (atomic check-and-take)', async () => {
      const limit = bucket(5, 1); // refills 1 a minute: under one token however slow the machine
      const decisions = await Promise.all(Array.from({ length: 1000 }, () => limiter.check([limit])));
      expect(decisions.filter((d) => d === null)).toHaveLength(0); // every check answered, none failed open
      expect(decisions.filter((d) => d!.allowed)).toHaveLength(5);
    });
  });

  describe('sliding window', () => {
    it('lets exactly the limit through 1,000 concurrent requests', async () => {
      const limit = window(5);
      const decisions = await Promise.all(Array.from({ length: 1000 }, () => limiter.check([limit])));
      expect(decisions.filter((d) => d === null)).toHaveLength(0);
      expect(decisions.filter((d) => d!.allowed)).toHaveLength(5);
    });

    it('slides: a slot frees when the oldest request leaves the window', async () => {
      const limit = window(3, 1_000);
      const started = Date.now();
      for (let i = 0; i < 3; i++) expect((await limiter.check([limit]))!.allowed).toBe(true);
      const refused = await limiter.check([limit]);
      expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1 });

      // A refused check records nothing, so polling is harmless: a slot frees once the first request
      // is a window old (Redis's clock), not before and not much later.
      await waitFor('a slot to free', async () => (await limiter.check([limit]))!.allowed, {
        timeoutMs: 3_000,
        intervalMs: 20,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000 - CLOCK_ROUNDING_MS);
    });

    it('keeps separate keys independent', async () => {
      const a = window(1);
      const b = window(1);
      expect((await limiter.check([a]))!.allowed).toBe(true);
      expect((await limiter.check([a]))!.allowed).toBe(false);
      expect((await limiter.check([b]))!.allowed).toBe(true);
    });
  });

  describe('several limits in one script', () => {
    it('consumes nothing from any limit when one refuses', async () => {
      const tokens = bucket(10, 1);
      const narrow = window(2);
      for (let i = 0; i < 5; i++) await limiter.check([tokens, narrow]);

      // 2 admitted by the window, so the bucket lost exactly 2 of its 10.
      const fields = await redis.hmget(tokens.key, 'tokens');
      expect(Math.floor(Number(fields[0]))).toBe(8);
    });

    it('reports the most restrictive limit when allowing, and the refusing one when refusing', async () => {
      const tokens = bucket(100, 60);
      const narrow = window(3);
      const first = await limiter.check([tokens, narrow]);
      expect(first).toMatchObject({ allowed: true, limit: 3, remaining: 2 });

      await limiter.check([tokens, narrow]);
      await limiter.check([tokens, narrow]);
      const refused = await limiter.check([tokens, narrow]);
      expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
      expect(refused!.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    });

    it('survives Redis forgetting the script (EVALSHA falls back to EVAL)', async () => {
      await redis.script('FLUSH');
      expect((await limiter.check([window(1)]))!.allowed).toBe(true);
    });
  });

  describe("an access token's denylist check in the same script (one round trip)", () => {
    const denylist = () => new TokenDenylist(redis, config(), memoryLogger().logger);

    it('refuses a revoked token (by token id or by session) with 401 and consumes nothing', async () => {
      const [tokenId, sessionId] = [randomUUID(), randomUUID()];
      const limit = window(5);
      await redis.set(denylistKeys.session(sessionId), '1', 'EX', 60);
      try {
        await expect(
          limiter.check([limit], denylist().pendingTokenCheck(tokenId, sessionId)),
        ).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'The access token has been revoked' });
        expect(await redis.exists(limit.key)).toBe(0);
      } finally {
        await redis.del(denylistKeys.session(sessionId));
      }
      await redis.set(denylistKeys.token(tokenId), '1', 'EX', 60);
      try {
        await expect(
          limiter.check([limit], denylist().pendingTokenCheck(tokenId, randomUUID())),
        ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
        expect(await redis.exists(limit.key)).toBe(0);
      } finally {
        await redis.del(denylistKeys.token(tokenId));
      }
    });

    it('decides the limits as usual for a token that is not revoked', async () => {
      const limit = window(2);
      const check = () => limiter.check([limit], denylist().pendingTokenCheck(randomUUID(), randomUUID()));
      expect(await check()).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
      expect(await check()).toMatchObject({ allowed: true, limit: 2, remaining: 0 });
      expect(await check()).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
    });
  });

  describe('when Redis is unreachable', () => {
    let dead: Redis;
    beforeAll(() => {
      dead = new Redis('redis://127.0.0.1:1', {
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        lazyConnect: true,
        retryStrategy: () => null,
        disconnectTimeout: 10,
      });
    });
    afterAll(() => dead.disconnect());

    it('fails open when RATE_LIMIT_FAIL_MODE=open, and says so in the log', async () => {
      const { logger, lines } = memoryLogger();
      const open = new RateLimiter(
        dead,
        config({ RATE_LIMIT_FAIL_MODE: 'open', RATE_LIMIT_REDIS_TIMEOUT_MS: '200' }),
        logger,
      );

      await expect(open.check([window(1)])).resolves.toBeNull();
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 'error', msg: expect.stringContaining('failing open') }),
      );
    });

    it('fails closed with 503 SERVICE_UNAVAILABLE when RATE_LIMIT_FAIL_MODE=closed, and says so', async () => {
      const { logger, lines } = memoryLogger();
      const closed = new RateLimiter(
        dead,
        config({ RATE_LIMIT_FAIL_MODE: 'closed', RATE_LIMIT_REDIS_TIMEOUT_MS: '200' }),
        logger,
      );

      await expect(closed.check([window(1)])).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 'error', msg: expect.stringContaining('failing closed') }),
      );
    });

    it('with a token to check too: the denylist fail mode first (closed: 503), then the limiter’s', async () => {
      const both = (revocation: 'open' | 'closed', limiter: 'open' | 'closed') => {
        const env = {
          REVOCATION_FAIL_MODE: revocation,
          RATE_LIMIT_FAIL_MODE: limiter,
          RATE_LIMIT_REDIS_TIMEOUT_MS: '200',
        };
        const { logger } = memoryLogger();
        return new RateLimiter(dead, config(env), logger).check(
          [window(1)],
          new TokenDenylist(dead, config(env), logger).pendingTokenCheck(randomUUID(), randomUUID()),
        );
      };

      await expect(both('closed', 'open')).rejects.toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        message: 'Access tokens cannot be checked right now; retry shortly',
      });
      await expect(both('open', 'closed')).rejects.toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        message: 'Rate limiting is temporarily unavailable; retry shortly',
      });
      await expect(both('open', 'open')).resolves.toBeNull();
    });

    it('also bounds a Redis that hangs instead of refusing (timeout)', async () => {
      const hanging = new Redis('redis://127.0.0.1:1', {
        lazyConnect: true,
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
        retryStrategy: () => 60_000,
        disconnectTimeout: 10,
      });
      try {
        const open = new RateLimiter(
          hanging,
          config({ RATE_LIMIT_REDIS_TIMEOUT_MS: '150' }),
          memoryLogger().logger,
        );
        const started = Date.now();
        await expect(open.check([window(1)])).resolves.toBeNull();
        expect(Date.now() - started).toBeLessThan(1000);
      } finally {
        hanging.disconnect();
      }
    });
  });
});
