import { ROUTE_TABLE } from '../routes/route-table';
import { buildOpenApiDocument } from './openapi.builder';

type Operation = Record<string, unknown> & { responses: Record<string, unknown> };
interface Document {
  info: { title: string; description: string };
  servers: unknown;
  tags: unknown;
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
}

/**
 * The OpenAPI document is a public contract: its shared parts are written out here by hand, so a
 * change to them is a deliberate change to this file too.
 */
describe('the OpenAPI document, as published', () => {
  let document: Document;
  beforeEach(() => {
    document = buildOpenApiDocument(ROUTE_TABLE, '9.9.9') as unknown as Document;
  });
  const requestId = { 'x-request-id': { $ref: '#/components/headers/X-Request-Id' } };
  const rateLimitHeaders = {
    'RateLimit-Limit': { $ref: '#/components/headers/RateLimit-Limit' },
    'RateLimit-Remaining': { $ref: '#/components/headers/RateLimit-Remaining' },
    'RateLimit-Reset': { $ref: '#/components/headers/RateLimit-Reset' },
  };
  const problem = (description: string, extraHeaders = {}) => ({
    description,
    headers: { ...requestId, ...extraHeaders },
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
  });

  it('answers 413 on routes with a body, and RateLimit headers on every success', () => {
    const login = document.paths['/v1/auth/login']!.post!;
    expect(Object.keys(login.responses).sort()).toEqual(['200', '400', '413', '429', '503', '504']);
    expect(login.responses['413']).toEqual({ $ref: '#/components/responses/PayloadTooLarge' });
    expect(login.responses['429']).toEqual({ $ref: '#/components/responses/RateLimited' });
    expect(login.responses['503']).toEqual({ $ref: '#/components/responses/ServiceUnavailable' });
    expect(login.responses['504']).toEqual({ $ref: '#/components/responses/Timeout' });
    expect(login.responses['400']).toEqual({ $ref: '#/components/responses/BadRequest' });
    expect((login.responses['200'] as { headers: unknown }).headers).toEqual({
      ...requestId,
      ...rateLimitHeaders,
    });
    expect(login.security).toEqual([]);
    expect(login.requestBody).toMatchObject({ required: true });
    expect(login).toMatchObject({
      operationId: 'auth.login',
      tags: ['Auth'],
      summary: 'Log in with email and password',
      'x-rpc-pattern': 'auth.session.login',
      'x-permission': 'public',
      'x-rate-limit-class': 'credential',
    });
    expect(login.description).toMatch(/^Password guessing is slowed, never locked out/);
  });

  it('answers no 413 on routes without a body, and 401/403 by the route’s auth', () => {
    const members = document.paths['/v1/orgs/members']!.get!;
    expect(Object.keys(members.responses).sort()).toEqual(['200', '400', '401', '403', '429', '503', '504']);
    expect(members.responses['401']).toEqual({ $ref: '#/components/responses/Unauthenticated' });
    expect(members.responses['403']).toEqual({ $ref: '#/components/responses/Forbidden' });
    expect(members).not.toHaveProperty('requestBody');
    expect(members).not.toHaveProperty('description');
    const profile = document.paths['/v1/auth/profile']!.get!;
    // Every authenticated route may refuse a credential kind it does not accept (403).
    expect(Object.keys(profile.responses).sort()).toEqual(['200', '400', '401', '403', '429', '503', '504']);
  });

  it('publishes the shared headers, error responses and security schemes', () => {
    expect(document.components.headers).toEqual({
      'Idempotent-Replayed': {
        description:
          '`true` when this is the stored answer of an earlier request with the same Idempotency-Key (same status and body); absent on the first run',
        schema: { type: 'string', enum: ['true'] },
      },
      'X-Request-Id': {
        description: 'The request id (yours if you sent a sane one)',
        schema: { type: 'string' },
      },
      'RateLimit-Limit': {
        description: 'Requests allowed by the most restrictive limit',
        schema: { type: 'integer' },
      },
      'RateLimit-Remaining': { description: 'Requests left under that limit', schema: { type: 'integer' } },
      'RateLimit-Reset': {
        description: 'Seconds until that limit is fully available again',
        schema: { type: 'integer' },
      },
      'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
    });
    expect(document.components.responses).toEqual({
      BadRequest: problem('VALIDATION_FAILED (with `errors`) or BAD_REQUEST'),
      Unauthenticated: problem('UNAUTHENTICATED: missing, invalid, expired or revoked credential'),
      Forbidden: problem(
        'FORBIDDEN: the route does not accept this kind of credential, or the role (or API key scope) lacks the permission',
      ),
      PayloadTooLarge: problem('PAYLOAD_TOO_LARGE'),
      RateLimited: problem('RATE_LIMITED', {
        ...rateLimitHeaders,
        'Retry-After': { $ref: '#/components/headers/Retry-After' },
      }),
      ServiceUnavailable: problem('SERVICE_UNAVAILABLE or RPC_NO_ROUTE'),
      Timeout: problem('RPC_TIMEOUT: the service did not answer in time'),
      IdempotencyKeyInFlight: problem(
        'IDEMPOTENCY_KEY_IN_FLIGHT: a request with this Idempotency-Key is still running; retry later with the same key',
      ),
      IdempotencyKeyReused: problem(
        'IDEMPOTENCY_KEY_REUSED: this Idempotency-Key was used for a different request in the last 24 h',
      ),
    });
    expect(document.components.securitySchemes).toEqual({
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'Access token (RS256, 15 min)',
      },
      apiKey: {
        type: 'apiKey',
        in: 'header',
        name: 'x-api-key',
        description: 'Organization API key (scoped), only on routes that list it',
      },
      organizationCode: {
        type: 'apiKey',
        in: 'header',
        name: 'x-organization-code',
        description:
          'Organization code: acts in its own organization with a fixed, limited role (viewer), only on routes that list it. ' +
          '`x-user-id` may name a member of that organization to attribute the request to them; it never grants their role.',
      },
    });
    expect(Object.keys(document.components.schemas!)).toEqual(['ProblemDetails']);
    expect(document.components.parameters).toEqual({
      'Idempotency-Key': {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Makes a retry of this command safe: kept 24 h per organization and caller. The same request again answers the stored response with `Idempotent-Replayed: true`; ' +
          'another request with the key → 422 IDEMPOTENCY_KEY_REUSED; while the first is running → 409 IDEMPOTENCY_KEY_IN_FLIGHT. 1–255 visible ASCII characters.',
        schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
      },
    });
  });

  it('documents the health endpoints, the tags and the rate-limit classes', () => {
    expect(document.paths['/health/live']).toEqual({
      get: {
        operationId: 'health.live',
        tags: ['Operations'],
        summary: 'Liveness: the process serves requests',
        security: [],
        responses: { 200: { description: 'Up' } },
      },
    });
    // Readiness and metrics live on the internal port: not part of the public document.
    expect(document.paths).not.toHaveProperty('/health/ready');
    expect(document.paths).not.toHaveProperty('/metrics');
    expect(document.servers).toEqual([{ url: '/' }]);
    expect(document.tags).toEqual([
      { name: 'Auth', description: 'Identity, sessions, second factor, OAuth' },
      { name: 'Organizations', description: 'Organizations and organization codes' },
      { name: 'Members', description: 'Members and invitations of the current organization' },
      { name: 'API keys', description: 'API keys of the current organization' },
      { name: 'Operations', description: 'Health' },
    ]);
    expect(document.info.title).toBe('Platform API');
    expect(document.info.description).toContain(
      'Every response carries `x-request-id`; throttled routes carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.',
    );
    expect(document.info.description).toContain(
      'Rate-limit classes: `read` (authenticated reads), `write` (authenticated writes), ',
    );
    expect(document.info.description).toMatch(/per client IP\)\.$/);
    expect(document.info.description).toMatch(
      /^The public API of the platform, served by the gateway\. Errors are RFC 9457/,
    );
  });

  it('describes query parameters with their description and no JSON Schema dialect', () => {
    const authorize = document.paths['/v1/auth/oauth/{provider}/authorize']!.get!;
    const parameters = authorize.parameters as Array<Record<string, unknown>>;
    for (const parameter of parameters) expect(parameter.schema).not.toHaveProperty('description');
    const login = document.paths['/v1/auth/login']!.post!;
    expect(JSON.stringify(login)).not.toContain('$schema');
  });
});
