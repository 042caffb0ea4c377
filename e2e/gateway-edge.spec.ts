import { ensureVerified, register } from './support/accounts';
import { ApiClient } from './support/api-client';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

type Problem = { type: string; status: number; code: string; requestId: string; errors?: { path: string }[] };

/** What every client meets at the edge, whatever the route: problem+json, limits, ids, docs. */
describe('the gateway edge (whole platform)', () => {
  const suite = usePlatform(GENEROUS_LIMITS);

  it('answers bad input with 400 problem+json naming each field', async () => {
    const response = await suite.api.post<Problem>('/v1/auth/register', {
      json: { email: 'nope', password: 'short', name: '' },
      headers: { 'x-request-id': 'edge-400' },
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      requestId: 'edge-400',
      type: 'https://docs.platform.dev/problems/validation-failed',
    });
    expect(response.body.errors!.map((e) => e.path).sort()).toEqual([
      'body.email',
      'body.name',
      'body.organizationName',
      'body.password',
    ]);
  });

  it('answers a malformed path parameter with 400 before reaching the service', async () => {
    const owner = await register(suite.api, 'edge');
    const response = await suite.api.call<Problem>('DELETE', '/v1/orgs/members/not-a-uuid', {
      token: owner.tokens.accessToken,
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'params.userId' })]);
  });

  it('passes the service’s own errors through (409 CONFLICT for inviting a member)', async () => {
    const owner = await register(suite.api, 'twice');
    await ensureVerified(suite.api, suite.platform.mail, owner);
    const again = await suite.api.post<Problem>('/v1/orgs/invitations', {
      token: owner.tokens.accessToken,
      json: { email: owner.email, role: 'viewer' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
  });

  it('answers an oversized body with 413 problem+json', async () => {
    const response = await suite.api.post<Problem>('/v1/auth/login', {
      json: { email: 'big@example.com', password: 'x'.repeat(64 * 1024) },
    });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const response = await suite.api.get<Problem>('/v1/orgs/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('publishes the OpenAPI 3.1 document and Swagger UI', async () => {
    const spec = await suite.api.get<{ openapi: string; paths: Record<string, unknown> }>('/v1/openapi.json');
    const docs = await fetch(`${suite.platform.gateway.url}/docs/`);

    expect(spec.body.openapi).toBe('3.1.0');
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/v1/auth/login', '/v1/orgs/members/{userId}', '/.well-known/jwks.json']),
    );
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
  });

  it('answers 504 RPC_TIMEOUT problem+json when the owning service does not answer', async () => {
    const owner = await register(suite.api, 'timeout');
    // A gateway of its own with a short RPC timeout, so the wait is short; the suite's gateway keeps
    // the default (a login on a loaded CI machine can take longer than 1.5 s).
    const impatient = await suite.platform.startExtraGateway({ RPC_TIMEOUT_MS: '1500' });
    await suite.platform.stopBackend('auth');

    const response = await new ApiClient(impatient.url).get<Problem>('/v1/auth/profile', {
      token: owner.tokens.accessToken,
    });
    expect(response.status).toBe(504);
    expect(response.body.code).toBe('RPC_TIMEOUT');
  });
});
