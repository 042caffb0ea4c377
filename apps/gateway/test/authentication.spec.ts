import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { AUTH_RPC, denylistKeys, type Principal, type RpcEnvelope } from '@platform/contracts';
import { DomainError } from '@platform/errors';
import { waitFor } from '@platform/testing';
import { defineRoute } from '../src/routes/route-definition';
import { GatewayTestBed, request } from './support/gateway-test-bed';
import {
  TEST_AUDIENCE,
  TEST_ISSUER,
  claims,
  createSigningKey,
  hs256WithPublicKey,
  signAccessToken,
  tamper,
  unsignedToken,
  type SigningKey,
} from './support/token-mint';

/**
 * Bearer tokens are verified by the gateway alone (JWKS cached from `auth.jwks.get`, no RPC per
 * request), then the Redis denylist; API keys and organization codes resolve through auth once and
 * are cached. The auth side is a stand-in here so that keys, claims and failures are exact.
 */
/**
 * The real table has no data-plane route yet (all of it is account and organization management, for
 * user tokens only): these stand for one, accepting every kind of credential.
 */
const DATA_PLANE_ROUTES = [
  defineRoute({
    id: 'test.whoami',
    method: 'GET',
    path: '/v1/test/whoami',
    rpc: AUTH_RPC.getProfile,
    auth: 'authenticated',
    credentials: ['user', 'api-key', 'organization-code'],
    rateLimit: 'read',
    request: {},
    success: { status: 200, description: 'The principal, echoed' },
    tag: 'Test',
    summary: 'Echo the principal',
  }),
  defineRoute({
    id: 'test.keysRead',
    method: 'GET',
    path: '/v1/test/keys',
    rpc: AUTH_RPC.listApiKeys,
    auth: 'api-keys:read',
    credentials: ['user', 'api-key', 'organization-code'],
    rateLimit: 'read',
    request: {},
    success: { status: 200, description: 'Nothing' },
    tag: 'Test',
    summary: 'A permission-bearing data-plane route',
  }),
];

describe('gateway authentication (real RabbitMQ and Redis, auth played by a stand-in)', () => {
  const bed = new GatewayTestBed(
    [
      AUTH_RPC.getJwks,
      AUTH_RPC.getProfile,
      AUTH_RPC.verifyApiKey,
      AUTH_RPC.resolveOrganizationCode,
      AUTH_RPC.listApiKeys,
      AUTH_RPC.revokeApiKey,
    ],
    { extraRoutes: DATA_PLANE_ROUTES },
  );
  let key: SigningKey;
  let published: SigningKey[];
  /** Unprefixed, like the auth service's client: the denylist keys are shared names. */
  let raw: Redis;
  const profile = (token: string) =>
    request<{ principal: Principal; code?: string; detail?: string }>(`${bed.url}/v1/auth/profile`, {
      headers: { authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    key = await createSigningKey();
    published = [key];
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: published.map((k) => k.publicJwk) }));
    // The stand-in echoes the principal it was given: the test sees exactly what a service would.
    bed.handlers.set(AUTH_RPC.getProfile, async (envelope: RpcEnvelope) => ({
      principal: envelope.principal,
    }));
    await bed.start({ JWKS_REFRESH_MIN_INTERVAL_MS: '1000', JWT_CLOCK_TOLERANCE_SECONDS: '2' });
    raw = new Redis(bed.redis.url);
  }, 60_000);
  afterAll(async () => {
    raw.disconnect();
    await bed.stop();
  }, 30_000);

  describe('bearer tokens', () => {
    it('accepts a valid token and passes the principal (session, token id, plan) to the service', async () => {
      const payload = claims({ roles: ['developer'], plan: 'STARTER', scope: 'read write' });
      const response = await profile(await signAccessToken(key, payload));

      expect(response.status).toBe(200);
      expect(response.body.principal).toEqual({
        kind: 'user',
        userId: payload.sub,
        organizationId: payload.org,
        roles: ['developer'],
        scopes: ['read', 'write'],
        apiKeyId: null,
        sessionId: payload.sid,
        tokenId: payload.jti,
        plan: 'STARTER',
      });
    });

    it('verifies locally: many requests, at most one JWKS fetch', async () => {
      const before = bed.callsOf(AUTH_RPC.getJwks).length;
      const token = await signAccessToken(key);
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => profile(token).then((r) => r.status)),
      );

      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(bed.callsOf(AUTH_RPC.getJwks).length - before).toBeLessThanOrEqual(1);
    });

    const attacks: [string, () => Promise<string>, RegExp][] = [
      ['alg none', async () => unsignedToken(claims(), key.kid), /invalid/],
      ['HS256 signed with the RSA public key', () => hs256WithPublicKey(key, claims()), /invalid/],
      ['a kid nobody published', async () => signAccessToken(await createSigningKey('rogue-kid')), /invalid/],
      ['no kid', () => signAccessToken(key, {}, { kid: undefined }), /invalid/],
      [
        'expired',
        () => signAccessToken(key, { iat: nowSeconds() - 1000, exp: nowSeconds() - 60 }),
        /expired/,
      ],
      [
        'a tampered payload',
        async () => tamper(await signAccessToken(key), { roles: ['owner'], org: randomUUID() }),
        /invalid/,
      ],
      ['a wrong issuer', () => signAccessToken(key, { iss: 'https://evil.example' }), /invalid/],
      ['a wrong audience', () => signAccessToken(key, { aud: 'another-api' }), /invalid/],
      ['claims missing (no org)', () => signAccessToken(key, { org: undefined }), /invalid/],
      ['a not-a-JWT string', async () => 'not.a.jwt', /invalid/],
    ];
    it.each(attacks)('refuses %s with 401 problem+json', async (_name, make, detail) => {
      const response = await profile(await make());

      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED', detail: expect.stringMatching(detail) });
    });

    it('refuses a token whose id, or whose session, is on the denylist', async () => {
      const byToken = claims();
      const bySession = claims();
      try {
        await raw.set(denylistKeys.token(byToken.jti), '1', 'EX', 60);
        await raw.set(denylistKeys.session(bySession.sid), '1', 'EX', 60);

        for (const payload of [byToken, bySession]) {
          const response = await profile(await signAccessToken(key, payload));
          expect(response.status).toBe(401);
          expect(response.body.detail).toMatch(/revoked/);
          // Refused before any rate limit is drawn from (the check rides first in the limiter's script).
          expect(response.headers.get('ratelimit-remaining')).toBeNull();
        }
        expect((await profile(await signAccessToken(key))).status).toBe(200);
      } finally {
        await raw.del(denylistKeys.token(byToken.jti), denylistKeys.session(bySession.sid));
      }
    });

    it('refuses a token revoked after it was accepted (the verified-token cache never skips the denylist)', async () => {
      const payload = claims();
      const token = await signAccessToken(key, payload);
      expect((await profile(token)).status).toBe(200);
      expect((await profile(token)).status).toBe(200); // now verified from the cache
      try {
        await raw.set(denylistKeys.session(payload.sid), '1', 'EX', 60);
        const response = await profile(token);
        expect(response.status).toBe(401);
        expect(response.body.detail).toMatch(/revoked/);
      } finally {
        await raw.del(denylistKeys.session(payload.sid));
      }
      expect((await profile(token)).status).toBe(200);
    });

    it('picks up a rotated-in key on its first token, but re-fetches for unknown kids at most once a second', async () => {
      const rotated = await createSigningKey();
      published = [key, rotated];
      await sleep(1100);
      expect((await profile(await signAccessToken(rotated))).status).toBe(200);

      const before = bed.callsOf(AUTH_RPC.getJwks).length;
      const rogue = await createSigningKey();
      const statuses = await Promise.all(
        Array.from({ length: 10 }, async () => (await profile(await signAccessToken(rogue))).status),
      );
      expect(statuses.every((s) => s === 401)).toBe(true);
      expect(bed.callsOf(AUTH_RPC.getJwks).length - before).toBeLessThanOrEqual(1);
      published = [key];
    });

    it('takes exactly one credential and a well-formed Authorization header', async () => {
      const token = await signAccessToken(key);
      const both = await request(`${bed.url}/v1/auth/profile`, {
        headers: { authorization: `Bearer ${token}`, 'x-api-key': 'pk_whatever' },
      });
      const basic = await request(`${bed.url}/v1/auth/profile`, {
        headers: { authorization: 'Basic dXNlcjpwdw==' },
      });
      const none = await request(`${bed.url}/v1/auth/profile`);

      expect([both.status, basic.status, none.status]).toEqual([401, 401, 401]);
      expect(both.body).toMatchObject({ detail: 'Send exactly one credential' });
    });
  });

  describe('API keys and organization codes', () => {
    const organizationId = randomUUID();
    const apiKeyId = randomUUID();
    const keyPrincipal: Principal = {
      kind: 'api-key',
      userId: null,
      organizationId,
      roles: ['developer'],
      scopes: [],
      apiKeyId,
      plan: 'PROFESSIONAL',
    };

    beforeAll(() => {
      bed.handlers.set(AUTH_RPC.verifyApiKey, async ({ data }) => {
        if ((data as { key: string }).key !== 'pk_live_good')
          throw new DomainError('UNAUTHENTICATED', 'bad key');
        return { principal: keyPrincipal };
      });
      bed.handlers.set(AUTH_RPC.listApiKeys, async () => ({ items: [] }));
      bed.handlers.set(AUTH_RPC.revokeApiKey, async () => ({ revoked: true }));
      bed.handlers.set(AUTH_RPC.resolveOrganizationCode, async ({ data }) => {
        const { code, userId } = data as { code: string; userId?: string };
        if (code !== 'ORGCODE123') throw new DomainError('NOT_FOUND', 'no such code');
        return {
          principal: {
            kind: 'organization-code',
            userId: null,
            attributedUserId: userId ?? null,
            organizationId,
            roles: ['viewer'],
            scopes: [],
            apiKeyId: null,
            plan: 'STARTER',
          },
        };
      });
    });

    it('resolves an API key through auth once, then from the cache', async () => {
      const before = bed.callsOf(AUTH_RPC.verifyApiKey).length;
      const responses = [];
      for (let i = 0; i < 5; i++) {
        responses.push(
          await request<{ principal: Principal }>(`${bed.url}/v1/test/whoami`, {
            headers: { 'x-api-key': 'pk_live_good' },
          }),
        );
      }

      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(responses[4]!.body.principal).toEqual(keyPrincipal);
      expect(bed.callsOf(AUTH_RPC.verifyApiKey).length - before).toBe(1);
    });

    it('refuses a wrong API key with 401 and remembers the refusal briefly', async () => {
      const before = bed.callsOf(AUTH_RPC.verifyApiKey).length;
      const first = await request(`${bed.url}/v1/test/whoami`, {
        headers: { 'x-api-key': 'pk_live_wrong' },
      });
      const second = await request(`${bed.url}/v1/test/whoami`, {
        headers: { 'x-api-key': 'pk_live_wrong' },
      });

      expect([first.status, second.status]).toEqual([401, 401]);
      expect(first.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(bed.callsOf(AUTH_RPC.verifyApiKey).length - before).toBe(1);
    });

    it('never stores the key itself in Redis', async () => {
      const cached = await raw.keys(`${bed.redis.keyPrefix}cred:*`);

      expect(cached.length).toBeGreaterThan(0);
      for (const name of cached) {
        expect(`${name} ${await raw.get(name)}`).not.toContain('pk_live_good');
      }
    });

    it('drops a revoked key from the cache on auth’s auth.api-key.revoked event', async () => {
      const adminToken = await signAccessToken(key, { org: organizationId, roles: ['admin'] });
      const whoami = () => request(`${bed.url}/v1/test/whoami`, { headers: { 'x-api-key': 'pk_live_good' } });
      expect((await whoami()).status).toBe(200);
      bed.handlers.set(AUTH_RPC.verifyApiKey, async () => {
        throw new DomainError('UNAUTHENTICATED', 'revoked');
      });
      // What auth's outbox relay publishes once the revocation committed (no marker here: the event alone).
      bed.handlers.set(AUTH_RPC.revokeApiKey, async () => {
        await bed.publisher.publish('auth.api-key.revoked', { organizationId, apiKeyId, reason: 'revoked' });
        return { revoked: true };
      });

      const revoke = await request(`${bed.url}/v1/orgs/api-keys/${apiKeyId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${adminToken}` },
      });

      expect(revoke.status).toBe(204);
      await waitFor('the revoked key to be refused', async () => (await whoami()).status === 401, {
        timeoutMs: 5000,
      });
    });

    it('bounds an API key by its scopes on top of its role', async () => {
      const scopedId = randomUUID();
      bed.handlers.set(AUTH_RPC.verifyApiKey, async () => ({
        principal: { ...keyPrincipal, apiKeyId: scopedId, scopes: ['members:read'] },
      }));
      const response = await request(`${bed.url}/v1/test/keys`, {
        headers: { 'x-api-key': 'pk_live_scoped' },
      });

      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringMatching(/scopes/) });
    });

    it('resolves x-organization-code, with or without x-user-id', async () => {
      const userId = randomUUID();
      const bare = await request<{ principal: Principal }>(`${bed.url}/v1/test/whoami`, {
        headers: { 'x-organization-code': 'ORGCODE123' },
      });
      const asUser = await request<{ principal: Principal }>(`${bed.url}/v1/test/whoami`, {
        headers: { 'x-organization-code': 'ORGCODE123', 'x-user-id': userId },
      });
      const wrong = await request(`${bed.url}/v1/test/whoami`, {
        headers: { 'x-organization-code': 'NOPE000000' },
      });
      const badUser = await request(`${bed.url}/v1/test/whoami`, {
        headers: { 'x-organization-code': 'ORGCODE123', 'x-user-id': 'not-a-uuid' },
      });

      expect(bare.status).toBe(200);
      expect(bare.body.principal).toMatchObject({ organizationId, userId: null, roles: ['viewer'] });
      expect(asUser.body.principal).toMatchObject({ organizationId, userId: null, attributedUserId: userId });
      expect([wrong.status, badUser.status]).toEqual([401, 401]);
    });

    it('refuses a cached key as soon as auth’s revocation marker for it appears (any path, any replica)', async () => {
      const markedId = randomUUID();
      bed.handlers.set(AUTH_RPC.verifyApiKey, async () => ({
        principal: { ...keyPrincipal, apiKeyId: markedId },
        expiresAt: null,
      }));
      const whoami = () =>
        request(`${bed.url}/v1/test/whoami`, { headers: { 'x-api-key': 'pk_live_marked' } });
      expect((await whoami()).status).toBe(200);
      const calls = bed.callsOf(AUTH_RPC.verifyApiKey).length;
      try {
        // What auth writes when the key is revoked, e.g. with its creator's membership.
        await raw.set(denylistKeys.apiKey(markedId), '1', 'EX', 60);
        const refused = await whoami();

        expect(refused.status).toBe(401);
        expect(refused.body).toMatchObject({ code: 'UNAUTHENTICATED' });
        // Refused from the cache hit, without asking auth.
        expect(bed.callsOf(AUTH_RPC.verifyApiKey).length).toBe(calls);
      } finally {
        await raw.del(denylistKeys.apiKey(markedId));
      }
    });

    it('caches a key no longer than its own expiry', async () => {
      const expiresAt = new Date(Date.now() + 1_500);
      let expired = false;
      bed.handlers.set(AUTH_RPC.verifyApiKey, async () => {
        if (expired) throw new DomainError('UNAUTHENTICATED', 'expired');
        return { principal: keyPrincipal, expiresAt: expiresAt.toISOString() };
      });
      const whoami = () =>
        request(`${bed.url}/v1/test/whoami`, { headers: { 'x-api-key': 'pk_live_brief' } });
      expect((await whoami()).status).toBe(200);
      expired = true;
      expect((await whoami()).status).toBe(200);

      const cached = await raw.keys(`${bed.redis.keyPrefix}cred:api-key:*`);
      const ttls = await Promise.all(cached.map((name) => raw.pttl(name)));
      // The configured TTL is 30 s; the brief key's entry lives at most its 1.5 s.
      expect(Math.min(...ttls)).toBeLessThanOrEqual(1_500);
      await waitFor('the expired key to be refused', async () => (await whoami()).status === 401, {
        timeoutMs: 4_000,
        intervalMs: 50,
      });
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime() - 5);
    });

    it('refuses API keys and organization codes on routes that accept user tokens only, before the service', async () => {
      bed.handlers.set(AUTH_RPC.verifyApiKey, async () => ({ principal: keyPrincipal }));
      const before = bed.callsOf(AUTH_RPC.getProfile).length;
      const key = await request(`${bed.url}/v1/auth/profile`, { headers: { 'x-api-key': 'pk_live_other' } });
      const code = await request(`${bed.url}/v1/auth/profile`, {
        headers: { 'x-organization-code': 'ORGCODE123', 'x-user-id': randomUUID() },
      });

      expect([key.status, code.status]).toEqual([403, 403]);
      expect(key.body).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringMatching(/API key/) });
      expect(code.body).toMatchObject({
        code: 'FORBIDDEN',
        detail: expect.stringMatching(/organization code/),
      });
      expect(bed.callsOf(AUTH_RPC.getProfile).length).toBe(before);
    });
  });

  it('answers 403 problem+json when the role lacks the route’s permission', async () => {
    const response = await request(`${bed.url}/v1/orgs/api-keys`, {
      headers: { authorization: `Bearer ${await signAccessToken(key, { roles: ['billing'] })}` },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      code: 'FORBIDDEN',
      detail: expect.stringContaining('api-keys:read'),
    });
  });

  it('uses the configured issuer and audience', () => {
    expect(bed.gateway.config).toMatchObject({ JWT_ISSUER: TEST_ISSUER, JWT_AUDIENCE: TEST_AUDIENCE });
  });
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
