import { isRpcRoute } from '../routes/route-definition';
import { ROUTE_TABLE } from '../routes/route-table';
import { buildOpenApiDocument, openApiPath } from './openapi.builder';

describe('the OpenAPI document', () => {
  type Document = {
    openapi: string;
    info: { version: string };
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: Record<string, Record<string, unknown>>;
  };
  // Built per test, not at collection time: the mutation gate (perTest coverage) can then tell which
  // test covers which line instead of treating the whole builder as static.
  let document: Document;
  beforeEach(() => {
    document = buildOpenApiDocument(ROUTE_TABLE, '1.2.3') as Document;
  });
  const operation = (method: string, path: string) =>
    document.paths[openApiPath(path)]![method.toLowerCase()]!;

  it('is OpenAPI 3.1 with one operation per route', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe('1.2.3');
    for (const route of ROUTE_TABLE.filter(isRpcRoute))
      expect(operation(route.method, route.path).operationId).toBe(route.id);
  });

  it('describes path parameters, query parameters and bodies from the zod schemas', () => {
    const changeRole = operation('PATCH', '/v1/orgs/members/:userId');
    expect(changeRole.parameters).toEqual([
      {
        name: 'userId',
        in: 'path',
        required: true,
        schema: expect.objectContaining({ type: 'string', format: 'uuid' }),
      },
    ]);
    expect(changeRole.requestBody).toMatchObject({
      required: true,
      content: {
        'application/json': { schema: { properties: { role: { enum: expect.arrayContaining(['admin']) } } } },
      },
    });

    const authorize = operation('GET', '/v1/auth/oauth/:provider/authorize');
    expect(authorize.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'redirectUri', in: 'query', required: true }),
        expect.objectContaining({ name: 'mode', in: 'query', required: false }),
      ]),
    );
    expect(authorize.responses).toHaveProperty('302');
  });

  it('documents the result schema, and no body for 204', () => {
    const login = operation('POST', '/v1/auth/login');
    expect(JSON.stringify((login.responses as Record<string, unknown>)['200'])).toContain('mfaRequired');
    const remove = operation('DELETE', '/v1/orgs/members/:userId') as {
      responses: Record<string, { content?: unknown }>;
    };
    expect(remove.responses['204']!.content).toBeUndefined();
  });

  it('states security and error responses from the route’s auth', () => {
    const register = operation('POST', '/v1/auth/register');
    const members = operation('GET', '/v1/orgs/members');
    const profile = operation('GET', '/v1/auth/profile');

    expect(register.security).toEqual([]);
    expect(register.responses).not.toHaveProperty('401');
    // Account and organization management: user access tokens only (issue 6).
    expect(members.security).toEqual([{ bearerAuth: [] }]);
    expect(members['x-credentials']).toEqual(['user']);
    expect(members['x-permission']).toBe('members:read');
    expect(members.responses).toHaveProperty('403');
    expect(profile.responses).toHaveProperty('401');
    // Authenticated routes refuse credentials of a kind they do not accept with 403.
    expect(profile.responses).toHaveProperty('403');
    for (const op of [register, members, profile]) expect(op.responses).toHaveProperty('429');
  });

  it('lists, per route, exactly the credentials it accepts', () => {
    const route = {
      ...ROUTE_TABLE.filter(isRpcRoute).find((r) => r.id === 'members.list')!,
      id: 'data.read',
      path: '/v1/data',
      credentials: ['user', 'api-key', 'organization-code'] as const,
    };
    const data = buildOpenApiDocument([route], '1').paths['/v1/data']!.get as Record<string, unknown>;

    expect(data.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }, { organizationCode: [] }]);
    expect(data['x-credentials']).toEqual(['user', 'api-key', 'organization-code']);
  });

  it('documents Idempotency-Key, Idempotent-Replayed, 409 and 422 on idempotent routes only', () => {
    const orgsCreate = ROUTE_TABLE.find((route) => route.id === 'orgs.create')!;
    const idempotentCreate = { ...orgsCreate, idempotent: true as const };
    const withIdempotent = buildOpenApiDocument([idempotentCreate], '1.2.3') as typeof document;
    const honoured = withIdempotent.paths['/v1/orgs']!.post! as {
      parameters: unknown[];
      responses: Record<string, { headers?: Record<string, unknown>; $ref?: string }>;
    };
    expect(honoured.parameters).toContainEqual({ $ref: '#/components/parameters/Idempotency-Key' });
    expect(honoured.responses['201']!.headers).toHaveProperty(['Idempotent-Replayed'], {
      $ref: '#/components/headers/Idempotent-Replayed',
    });
    expect(honoured.responses['409']).toEqual({ $ref: '#/components/responses/IdempotencyKeyInFlight' });
    expect(honoured.responses['422']).toEqual({ $ref: '#/components/responses/IdempotencyKeyReused' });
    expect(withIdempotent.components.parameters).toHaveProperty(['Idempotency-Key', 'in'], 'header');

    const plain = operation('POST', '/v1/orgs') as typeof honoured;
    expect(JSON.stringify(plain.parameters)).not.toContain('Idempotency-Key');
    expect(plain.responses['201']!.headers).not.toHaveProperty(['Idempotent-Replayed']);
    expect(plain.responses).not.toHaveProperty(['409']);
    expect(plain.responses).not.toHaveProperty(['422']);
  });

  it('has no dangling $ref', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/([^/]+)\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, section, name] of refs) expect(document.components[section!]).toHaveProperty([name!]);
  });
});
