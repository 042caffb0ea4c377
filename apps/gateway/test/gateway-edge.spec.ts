import { AUTH_RPC, type RpcEnvelope } from '@platform/contracts';
import { DomainError } from '@platform/errors';
import { ROUTE_TABLE } from '../src/routes/route-table';
import { GatewayTestBed, request } from './support/gateway-test-bed';
import { createSigningKey, signAccessToken, type SigningKey } from './support/token-mint';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ALLOWED_ORIGIN = 'https://app.example.com';

describe('gateway edge: headers, CORS, errors, timeouts, adaptive limits (auth played by a stand-in)', () => {
  const bed = new GatewayTestBed([
    AUTH_RPC.getJwks,
    AUTH_RPC.getProfile,
    AUTH_RPC.listMembers,
    AUTH_RPC.login,
  ]);
  let key: SigningKey;
  let token: string;

  beforeAll(async () => {
    key = await createSigningKey();
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    bed.handlers.set(AUTH_RPC.getProfile, async (envelope: RpcEnvelope) => ({
      principal: envelope.principal,
    }));
    await bed.start({
      CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://admin.example.com`,
      RPC_TIMEOUT_MS: '300',
      ADAPTIVE_WINDOW_SECONDS: '2',
      ADAPTIVE_MIN_REQUESTS: '4',
      ADAPTIVE_ERROR_RATE_THRESHOLD: '0.5',
      // One token here; the distinct-callers rule has its own suite (edge-resilience.spec.ts).
      ADAPTIVE_MIN_DISTINCT_CALLERS: '1',
      ADAPTIVE_LIMIT_FACTOR: '0.5',
      RATE_LIMIT_READ_PER_MINUTE: '100',
      BODY_LIMIT_BYTES: '2048',
    });
    token = await signAccessToken(key, { plan: 'ENTERPRISE' });
  }, 60_000);
  afterAll(() => bed.stop(), 30_000);

  const auth = () => ({ authorization: `Bearer ${token}` });

  it('sets security headers, and a deny-all CSP on the API', async () => {
    const response = await request(`${bed.url}/v1/auth/profile`, { headers: auth() });

    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(response.headers.get('strict-transport-security')).toContain('max-age=31536000');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('sets the same security headers on answers no route handler wrote: 401, 404, liveness, preflight', async () => {
    const answers = await Promise.all([
      request(`${bed.url}/v1/auth/profile`),
      request(`${bed.url}/v1/nothing/here`),
      request(`${bed.url}/health/live`),
      fetch(`${bed.url}/v1/auth/profile`, {
        method: 'OPTIONS',
        headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'GET' },
      }),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([401, 404, 200, 204]);
    for (const { headers } of answers) {
      expect(headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      expect(headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('cross-origin-resource-policy')).toBe('same-site');
      expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('gives /docs its own CSP, and only /docs: not /docsx, query strings aside', async () => {
    const [docs, docsQuery, lookalike] = await Promise.all([
      fetch(`${bed.url}/docs`),
      fetch(`${bed.url}/docs?x=1`),
      fetch(`${bed.url}/docsx`),
    ]);

    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(docsQuery.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(lookalike.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  });

  it('echoes a sane x-request-id and passes it to the service', async () => {
    const response = await request(`${bed.url}/v1/auth/profile`, {
      headers: { ...auth(), 'x-request-id': 'trace-me-42' },
    });

    expect(response.headers.get('x-request-id')).toBe('trace-me-42');
    expect(bed.callsOf(AUTH_RPC.getProfile).at(-1)!.meta.requestId).toBe('trace-me-42');
  });

  describe('CORS', () => {
    it('answers a preflight from a configured origin, exposing the rate-limit headers', async () => {
      const response = await fetch(`${bed.url}/v1/auth/profile`, {
        method: 'OPTIONS',
        headers: {
          origin: ALLOWED_ORIGIN,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });

      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      const simple = await request(`${bed.url}/v1/auth/profile`, {
        headers: { ...auth(), origin: ALLOWED_ORIGIN },
      });
      expect(simple.headers.get('access-control-expose-headers')).toContain('ratelimit-remaining');
    });

    it('grants nothing to other origins', async () => {
      const response = await request(`${bed.url}/v1/auth/profile`, {
        headers: { ...auth(), origin: 'https://evil.example' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('errors are problem+json', () => {
    it('400 VALIDATION_FAILED names every bad field with where it was', async () => {
      const response = await request<{ code: string; errors: { path: string }[] }>(
        `${bed.url}/v1/auth/login`,
        {
          method: 'POST',
          json: { email: 'not-an-email', organizationId: 'nope' },
        },
      );

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((e) => e.path).sort()).toEqual([
        'body.email',
        'body.organizationId',
        'body.password',
      ]);
    });

    it('400 for malformed JSON, 415 for a body that is not JSON', async () => {
      const malformed = await request(`${bed.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":',
      });
      const xml = await request(`${bed.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: '<login/>',
      });

      expect([malformed.status, xml.status]).toEqual([400, 415]);
      expect(malformed.body).toMatchObject({ code: 'BAD_REQUEST' });
      expect(xml.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('413 PAYLOAD_TOO_LARGE beyond the body limit', async () => {
      const response = await request(`${bed.url}/v1/auth/login`, {
        method: 'POST',
        json: { email: 'a@example.com', password: 'x'.repeat(4096) },
      });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    it('404 ROUTE_NOT_FOUND for an unknown route', async () => {
      const response = await request(`${bed.url}/v1/nothing/here`);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'ROUTE_NOT_FOUND', instance: '/v1/nothing/here' });
    });

    it('504 RPC_TIMEOUT when the service does not answer in time, and the error is its own', async () => {
      bed.handlers.set(AUTH_RPC.listMembers, async () => {
        await sleep(600);
        return { items: [] };
      });
      const response = await request(`${bed.url}/v1/orgs/members`, { headers: auth() });

      expect(response.status).toBe(504);
      expect(response.body).toMatchObject({
        code: 'RPC_TIMEOUT',
        detail: expect.stringContaining('auth.member.list'),
      });
    });

    it('passes a service’s domain error through with its code', async () => {
      bed.handlers.set(AUTH_RPC.login, async () => {
        throw new DomainError('UNAUTHENTICATED', 'Invalid email or password');
      });
      const response = await request(`${bed.url}/v1/auth/login`, {
        method: 'POST',
        json: { email: 'edge@example.com', password: 'wrong-password' },
      });

      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED', detail: 'Invalid email or password' });
    });
  });

  describe('adaptive throttling', () => {
    const limitOfMembers = async () =>
      Number(
        (await request(`${bed.url}/v1/orgs/members`, { headers: auth() })).headers.get('ratelimit-limit'),
      );

    it('shrinks a failing service’s route limits while it fails, and restores them when it recovers', async () => {
      await sleep(2100); // let the timeout above slide out of the window
      bed.handlers.set(AUTH_RPC.listMembers, async () => ({ items: [] }));
      expect(await limitOfMembers()).toBe(100);

      bed.handlers.set(AUTH_RPC.listMembers, async () => {
        throw new Error('database is on fire');
      });
      for (let i = 0; i < 6; i++) await request(`${bed.url}/v1/orgs/members`, { headers: auth() });
      await sleep(300);
      expect(await limitOfMembers()).toBe(50);

      bed.handlers.set(AUTH_RPC.listMembers, async () => ({ items: [] }));
      await sleep(2300);
      expect(await limitOfMembers()).toBe(100);
    });
  });

  describe('OpenAPI and Swagger UI', () => {
    it('serves an OpenAPI 3.1 document with every route of the table', async () => {
      const response = await request<{
        openapi: string;
        paths: Record<string, Record<string, { operationId: string }>>;
      }>(`${bed.url}/v1/openapi.json`);

      expect(response.status).toBe(200);
      expect(response.body.openapi).toBe('3.1.0');
      const operations = Object.values(response.body.paths).flatMap((item) =>
        Object.values(item).map((op) => op.operationId),
      );
      for (const route of ROUTE_TABLE) {
        // A stream entry serving several methods documents one operation per method (`<id>.<method>`),
        // OPTIONS (protocol discovery) excepted.
        const ids =
          'methods' in route && route.methods.length > 1
            ? route.methods
                .filter((method) => method !== 'OPTIONS')
                .map((method) => `${route.id}.${method.toLowerCase()}`)
            : [route.id];
        for (const id of ids) expect(operations).toContain(id);
      }
    });

    it('serves Swagger UI under /docs with a CSP that lets it run', async () => {
      const redirect = await request(`${bed.url}/docs`);
      const page = await fetch(`${bed.url}/docs/`);
      const initializer = await (await fetch(`${bed.url}/docs/swagger-initializer.js`)).text();
      const bundle = await fetch(`${bed.url}/docs/swagger-ui-bundle.js`);
      const outside = await fetch(`${bed.url}/docs/package.json`);

      expect(redirect.status).toBe(302);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('swagger-ui-bundle.js');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(initializer).toContain('/v1/openapi.json');
      expect(bundle.status).toBe(200);
      expect(outside.status).toBe(404);
    });
  });
});

describe('gateway with Redis down', () => {
  const bed = new GatewayTestBed([AUTH_RPC.getJwks, AUTH_RPC.getProfile, AUTH_RPC.login]);
  let key: SigningKey;

  beforeAll(async () => {
    key = await createSigningKey();
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    bed.handlers.set(AUTH_RPC.login, async () => ({ mfaRequired: true, mfaToken: 'm' }));
    await bed.start({
      REDIS_URL: 'redis://127.0.0.1:1',
      RATE_LIMIT_FAIL_MODE: 'open',
      REVOCATION_FAIL_MODE: 'closed',
      RATE_LIMIT_REDIS_TIMEOUT_MS: '100',
    });
  }, 60_000);
  afterAll(() => bed.stop(), 30_000);

  it('fails open for throttling (no limit headers) as configured', async () => {
    const response = await request(`${bed.url}/v1/auth/login`, {
      method: 'POST',
      json: { email: 'a@example.com', password: 'whatever-password' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-limit')).toBeNull();
  });

  it('fails closed for the token denylist: 503, never an unchecked token', async () => {
    const response = await request(`${bed.url}/v1/auth/profile`, {
      headers: { authorization: `Bearer ${await signAccessToken(key)}` },
    });
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(response.headers.get('retry-after')).toBe('1');
  });
});
