import { z } from 'zod';
import { isRpcRoute, type RpcRouteDefinition } from '../routes/route-definition';
import { ROUTE_TABLE } from '../routes/route-table';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.builder';

// One operation at a time, from routes built here with exactly the feature under test, and the
// expected OpenAPI written out by hand.

const MEMBERS_LIST = ROUTE_TABLE.filter(isRpcRoute).find((route) => route.id === 'members.list')!;

/** A route of the table with some fields replaced (the RPC stays members.list's unless given). */
function route(overrides: Partial<RpcRouteDefinition>): RpcRouteDefinition {
  return { ...MEMBERS_LIST, id: 'things.test', path: '/v1/things', ...overrides } as RpcRouteDefinition;
}

function operationOf(definition: RpcRouteDefinition, path = '/v1/things'): Record<string, unknown> {
  const document: OpenApiDocument = buildOpenApiDocument([definition], '1');
  return document.paths[path]![definition.method.toLowerCase()] as Record<string, unknown>;
}

const HEADERS = {
  'x-request-id': { $ref: '#/components/headers/X-Request-Id' },
  'RateLimit-Limit': { $ref: '#/components/headers/RateLimit-Limit' },
  'RateLimit-Remaining': { $ref: '#/components/headers/RateLimit-Remaining' },
  'RateLimit-Reset': { $ref: '#/components/headers/RateLimit-Reset' },
};

describe('OpenAPI parameters', () => {
  it('a path parameter is required even when its schema is optional, and keeps its description', () => {
    const op = operationOf(
      route({
        path: '/v1/things/:thingId',
        request: { params: z.object({ thingId: z.string().optional().describe('The thing') }) },
      }),
      '/v1/things/{thingId}',
    );
    expect(op.parameters).toEqual([
      { name: 'thingId', in: 'path', required: true, schema: { type: 'string' }, description: 'The thing' },
    ]);
  });

  it('a query parameter is required only when its schema is; without a description it has none', () => {
    const op = operationOf(
      route({ request: { query: z.object({ q: z.string(), page: z.coerce.number().int().optional() }) } }),
    );
    expect(op.parameters).toEqual([
      { name: 'q', in: 'query', required: true, schema: { type: 'string' } },
      {
        name: 'page',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
      },
    ]);
  });
});

describe('OpenAPI request bodies', () => {
  it('a body whose fields are all optional is not required (an open object: unknown keys are stripped, not refused)', () => {
    const op = operationOf(
      route({ method: 'POST', request: { body: z.object({ note: z.string().optional() }) } }),
    );
    expect(op.requestBody).toEqual({
      required: false,
      content: {
        'application/json': {
          schema: { type: 'object', properties: { note: { type: 'string' } } },
        },
      },
    });
  });

  it('a body with one required field is required', () => {
    const op = operationOf(
      route({
        method: 'POST',
        request: { body: z.object({ note: z.string(), tag: z.string().optional() }) },
      }),
    );
    expect(op.requestBody).toMatchObject({ required: true });
  });
});

describe('OpenAPI success responses', () => {
  const successOf = (op: Record<string, unknown>, status: string) =>
    (op.responses as Record<string, Record<string, unknown>>)[status];

  it('a JSON result is described as sent: closed objects (additionalProperties: false)', () => {
    const login = ROUTE_TABLE.filter(isRpcRoute).find((r) => r.id === 'auth.login')!;
    const success = successOf(operationOf({ ...login, path: '/v1/things' }), '200')!;
    const schema = (success.content as Record<string, { schema: { anyOf: unknown[] } }>)['application/json']!
      .schema;
    expect(Object.keys(success.content as object)).toEqual(['application/json']);
    expect(schema.anyOf).toEqual([
      expect.objectContaining({
        type: 'object',
        properties: expect.objectContaining({ mfaRequired: { type: 'boolean', const: false } }),
        additionalProperties: false,
      }),
      expect.objectContaining({
        type: 'object',
        properties: expect.objectContaining({ mfaRequired: { type: 'boolean', const: true } }),
        additionalProperties: false,
      }),
    ]);
  });

  it('a result presented in another media type is a string of that type', () => {
    const op = operationOf(
      route({
        successMediaType: 'text/html; charset=utf-8',
        success: { status: 200, description: 'A page' },
      }),
    );
    expect(successOf(op, '200')).toEqual({
      description: 'A page',
      headers: HEADERS,
      content: { 'text/html; charset=utf-8': { schema: { type: 'string' } } },
    });
  });

  it('a pattern without a result schema (a test bed’s stand-in service) and a 204 have no content', () => {
    const standIn = operationOf(route({ rpc: 'testbed.thing.get' as never }));
    expect(successOf(standIn, '200')).toEqual({
      description: MEMBERS_LIST.success.description,
      headers: HEADERS,
    });
    const noContent = operationOf(route({ success: { status: 204, description: 'Gone' } }));
    expect(successOf(noContent, '204')).toEqual({ description: 'Gone', headers: HEADERS });
  });

  it('lists each alternate response with its description', () => {
    const op = operationOf(
      route({ alternateResponses: { 302: 'Redirect to the provider', 303: 'See other' } }),
    );
    expect(successOf(op, '302')).toEqual({ description: 'Redirect to the provider' });
    expect(successOf(op, '303')).toEqual({ description: 'See other' });
  });
});

describe('OpenAPI credentials of a public route', () => {
  it('a public route lists no credentials, even with credentials in its entry', () => {
    const op = operationOf(route({ auth: 'public', credentials: ['user', 'api-key'] }));
    expect(op.security).toEqual([]);
    expect(op['x-credentials']).toEqual([]);
  });
});
