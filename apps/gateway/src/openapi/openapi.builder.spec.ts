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
    for (const route of ROUTE_TABLE) expect(operation(route.method, route.path).operationId).toBe(route.id);
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
    expect(members.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }, { organizationCode: [] }]);
    expect(members['x-permission']).toBe('members:read');
    expect(members.responses).toHaveProperty('403');
    expect(profile.responses).toHaveProperty('401');
    expect(profile.responses).not.toHaveProperty('403');
    for (const op of [register, members, profile]) expect(op.responses).toHaveProperty('429');
  });

  it('has no dangling $ref', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/([^/]+)\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, section, name] of refs) expect(document.components[section!]).toHaveProperty([name!]);
  });
});
