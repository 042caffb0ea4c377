import { jsonRequest } from '@platform/testing';
import { register, type Account } from './support/accounts';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

type Problem = { code: string; status: number; errors?: { path: string; code: string }[] };

/**
 * Issue 6, points 2, 8 and 10 through the whole platform: control characters are refused at
 * validation (and one caller's bad input never shrinks other tenants' limits), JSON routes take JSON
 * only, and metrics / detailed readiness are not on the public port.
 */
describe('gateway edge hardening (whole platform)', () => {
  const suite = usePlatform({
    ...GENEROUS_LIMITS,
    // Small adaptive window so a burst of service failures would show within the suite.
    ADAPTIVE_WINDOW_SECONDS: '30',
    ADAPTIVE_MIN_REQUESTS: '10',
    ADAPTIVE_ERROR_RATE_THRESHOLD: '0.25',
  });
  let mallory: Account;
  let alice: Account;

  beforeAll(async () => {
    [mallory, alice] = await Promise.all([register(suite.api, 'mallory'), register(suite.api, 'alice')]);
  });

  describe('control characters in free text are a 400 naming the field', () => {
    const fieldPaths = (problem: Problem) => (problem.errors ?? []).map((issue) => issue.path);

    // First in the suite: the service must be healthy when `before` is read.
    it("a burst of one tenant's bad requests leaves another tenant's limits as they were", async () => {
      const aliceLimit = async () =>
        (await suite.api.get('/v1/auth/profile', { token: alice.tokens.accessToken })).headers.get(
          'ratelimit-limit',
        );
      const before = await aliceLimit();

      for (let i = 0; i < 24; i++) {
        await suite.api.call('PUT', '/v1/auth/profile', {
          token: mallory.tokens.accessToken,
          json: { name: `x\u0000${i}` },
        });
      }
      // The adaptive rule re-judges a service at most every 250 ms: let it look at the burst.
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(Number(before)).toBeGreaterThan(0);
      expect(await aliceLimit()).toBe(before);
    });

    it('refuses NUL in the profile name, an organization name and an API-key name', async () => {
      const profile = await suite.api.call<Problem>('PUT', '/v1/auth/profile', {
        token: mallory.tokens.accessToken,
        json: { name: 'Mal\u0000lory' },
      });
      const organization = await suite.api.post<Problem>('/v1/orgs', {
        token: mallory.tokens.accessToken,
        json: { name: 'Evil\u0000Corp' },
      });
      const apiKey = await suite.api.post<Problem>('/v1/orgs/api-keys', {
        token: mallory.tokens.accessToken,
        json: { name: 'ci\u0000key' },
      });

      for (const [response, path] of [
        [profile, 'body.name'],
        [organization, 'body.name'],
        [apiKey, 'body.name'],
      ] as const) {
        expect({ status: response.status, code: response.body.code }).toEqual({
          status: 400,
          code: 'VALIDATION_FAILED',
        });
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(fieldPaths(response.body)).toEqual([path]);
      }
    });

    it('refuses NUL in the names given at registration, naming each field', async () => {
      const response = await suite.api.post<Problem>('/v1/auth/register', {
        json: {
          email: 'nul-register@example.com',
          password: 'correct horse battery staple',
          name: 'A\u0000',
          organizationName: 'B\u0000',
        },
      });

      expect(response.status).toBe(400);
      expect(fieldPaths(response.body).sort()).toEqual(['body.name', 'body.organizationName']);
    });

    it.each([
      ['BEL', 'ring\u0007'],
      ['ESC (terminal escape)', 'red\u001b[31m'],
      ['line feed', 'two\nlines'],
      ['DEL', 'del\u007f'],
      ['C1 control', 'c1\u0085'],
      ['line separator U+2028', 'line\u2028separator'],
      ['right-to-left override U+202E', 'moc.elgoog\u202e'],
      ['unpaired surrogate', 'half\ud800'],
    ])('refuses %s in a name', async (_label, name) => {
      const response = await suite.api.call<Problem>('PUT', '/v1/auth/profile', {
        token: mallory.tokens.accessToken,
        json: { name },
      });
      expect(response.status).toBe(400);
      expect(fieldPaths(response.body)).toEqual(['body.name']);
    });

    it('accepts names in any script, with spaces, accents and emoji', async () => {
      const name = 'José Müller-Łukasz 山田 👩‍💻';
      const response = await suite.api.call<{ user: { name: string } }>('PUT', '/v1/auth/profile', {
        token: alice.tokens.accessToken,
        json: { name },
      });
      expect(response.status).toBe(200);
      expect(response.body.user.name).toBe(name);
    });

    it('refuses NUL in any other text field too (the gateway guard), e.g. a password', async () => {
      const response = await suite.api.post<Problem>('/v1/auth/login', {
        json: { email: alice.email, password: 'pass\u0000word' },
      });
      expect(response.status).toBe(400);
      expect(fieldPaths(response.body)).toEqual(['body.password']);
    });
  });

  describe('JSON routes take application/json only (no CORS-simple bodies)', () => {
    const post = (path: string, contentType: string, body: string, token?: string) =>
      jsonRequest<Problem>(`${suite.platform.gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });

    it('answers 415 to a form-encoded register and login, creating nothing', async () => {
      const email = 'form-post@example.com';
      const form = new URLSearchParams({
        email,
        password: 'correct horse battery staple',
        name: 'Form',
        organizationName: 'Form Org',
      }).toString();

      const registered = await post('/v1/auth/register', 'application/x-www-form-urlencoded', form);
      const loggedIn = await post(
        '/v1/auth/login',
        'application/x-www-form-urlencoded',
        new URLSearchParams({ email: alice.email, password: alice.password }).toString(),
      );

      expect([registered.status, loggedIn.status]).toEqual([415, 415]);
      expect(registered.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(registered.headers.get('content-type')).toContain('application/problem+json');
      const jsonLogin = await suite.api.post('/v1/auth/login', {
        json: { email, password: 'correct horse battery staple' },
      });
      expect(jsonLogin.status).toBe(401);
    });

    it('answers 415 to text/plain and multipart bodies holding valid JSON', async () => {
      const json = JSON.stringify({ email: alice.email, password: alice.password });
      const plain = await post('/v1/auth/login', 'text/plain', json);
      const multipart = await post('/v1/auth/login', 'multipart/form-data; boundary=x', json);

      expect([plain.status, multipart.status]).toEqual([415, 415]);
      expect(plain.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 415 to an empty body sent with a non-JSON content type', async () => {
      const response = await post('/v1/auth/logout', 'text/plain', '', alice.tokens.accessToken);
      expect(response.status).toBe(415);
      expect(response.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('accepts application/json with a utf-8 charset, and a body-less POST without a content type', async () => {
      const login = await post(
        '/v1/auth/login',
        'application/json; charset=UTF-8',
        JSON.stringify({ email: alice.email, password: alice.password }),
      );
      expect(login.status).toBe(200);

      const bodyless = await jsonRequest(`${suite.platform.gateway.url}/v1/auth/logout`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${(login.body as unknown as { tokens: { accessToken: string } }).tokens.accessToken}`,
        },
      });
      expect(bodyless.status).toBe(200);
    });
  });

  describe('metrics and detailed readiness live on the internal port only', () => {
    it('answers 404 problem+json for /metrics, /health/ready and /health/services on the public port, and keeps /health/live', async () => {
      const gateway = suite.platform.gateway.url;
      const metrics = await jsonRequest<Problem>(`${gateway}/metrics`);
      const ready = await jsonRequest<Problem>(`${gateway}/health/ready`);
      const services = await jsonRequest<Problem>(`${gateway}/health/services`);
      const live = await jsonRequest<{ status: string }>(`${gateway}/health/live`);

      expect([metrics.status, ready.status, services.status]).toEqual([404, 404, 404]);
      expect(metrics.body.code).toBe('ROUTE_NOT_FOUND');
      expect(ready.headers.get('content-type')).toContain('application/problem+json');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
    });

    it('serves readiness, liveness and metrics on the internal port', async () => {
      const internal = suite.platform.gatewayInternalUrl;
      const ready = await jsonRequest<{ status: string; info: Record<string, unknown> }>(
        `${internal}/health/ready`,
      );
      const services = await jsonRequest<{ services: Record<string, unknown> }>(
        `${internal}/health/services`,
      );
      const live = await jsonRequest(`${internal}/health/live`);
      const metrics = await (await fetch(`${internal}/metrics`)).text();

      expect(ready.status).toBe(200);
      expect(Object.keys(ready.body.info).sort()).toEqual(['rabbitmq', 'redis']);
      expect(services.status).toBe(200);
      expect(Object.keys(services.body.services)).toContain('auth');
      expect(live.status).toBe(200);
      expect(metrics).toContain('gateway_adaptive_limit_factor');
      expect(new URL(internal).port).not.toBe(new URL(suite.platform.gateway.url).port);
    });
  });
});
