import { defineWebSocketRoute } from '../routes/kinds/websocket-route';
import { ROUTE_TABLE } from '../routes/route-table';
import { buildOpenApiDocument } from './openapi.builder';

const STREAM = defineWebSocketRoute({
  id: 'voice.callStream',
  path: '/v1/voice/calls/:callId/stream',
  service: 'voice',
  auth: 'authenticated',
  credentials: ['user', 'api-key', 'organization-code'],
  rateLimit: 'read',
  maxConnectionsPerOrganization: 5,
  idleTimeoutSeconds: 30,
  maxMessageBytes: 65536,
  tag: 'Voice',
  summary: 'Live call audio',
  description: 'Audio frames of one call.',
});

type Operation = Record<string, unknown> & { responses: Record<string, unknown>; security: unknown[] };
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
};

const PROBLEM_JSON = {
  'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } },
};

/** Every `$ref` in `value`, so a test can check each names a component that exists. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) =>
      key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
    );
  }
  return [];
}

function resolves(document: Document, ref: string): boolean {
  const [, , section, name] = ref.split('/');
  return document.components[section!]?.[name!] !== undefined;
}

describe('WebSocket routes in the OpenAPI document', () => {
  const build = (routes = [...ROUTE_TABLE, STREAM]) =>
    buildOpenApiDocument(routes, '1.0.0') as unknown as Document;

  it('lists a WebSocket route as GET answering 101, with its refusals, its limits and every way to authenticate', () => {
    const document = build();
    const operation = document.paths['/v1/voice/calls/{callId}/stream']!.get!;

    expect(operation).toEqual({
      operationId: 'voice.callStream',
      tags: ['Voice'],
      summary: 'Live call audio',
      description:
        'Audio frames of one call.\n\n' +
        'WebSocket (`Upgrade: websocket`), relayed to the voice service. At most 5 open connections per organization on this route; ' +
        'no data frame either way for 30 s closes with 4408 "idle timeout"; messages over 65536 bytes close with 1009. ' +
        'The service closing is passed on with its code (1014 if it vanished); refusals happen before the upgrade, as problem+json.',
      security: [
        { bearerAuth: [] },
        { apiKey: [] },
        { organizationCode: [] },
        { wsTicket: [] },
        { wsBearerSubprotocol: [] },
      ],
      parameters: [],
      responses: {
        101: { description: 'Switching Protocols: the socket is open and relayed' },
        401: { $ref: '#/components/responses/Unauthenticated' },
        403: { $ref: '#/components/responses/Forbidden' },
        429: {
          description: 'RATE_LIMITED: the route throttle, or the organization’s open-connection limit',
          content: PROBLEM_JSON,
        },
        503: { $ref: '#/components/responses/ServiceUnavailable' },
      },
      'x-websocket': {
        service: 'voice',
        maxConnectionsPerOrganization: 5,
        idleTimeoutSeconds: 30,
        maxMessageBytes: 65536,
      },
      'x-permission': 'authenticated',
      'x-credentials': ['user', 'api-key', 'organization-code'],
      'x-rate-limit-class': 'read',
    });
    for (const ref of refsIn(operation)) expect([ref, resolves(document, ref)]).toEqual([ref, true]);
  });

  it('describes how a browser passes a ticket or the token', () => {
    const { wsTicket, wsBearerSubprotocol } = build().components.securitySchemes as Record<
      string,
      Record<string, string>
    >;

    expect(wsTicket).toEqual({
      type: 'apiKey',
      in: 'query',
      name: 'ticket',
      description: 'Single-use ticket from `POST /v1/ws-tickets` (30 s), bound to the caller and the path',
    });
    expect(wsBearerSubprotocol).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Sec-WebSocket-Protocol',
    });
    expect(wsBearerSubprotocol!.description).toContain('`bearer, <access token>`');
  });

  it('lists POST /v1/ws-tickets only when a WebSocket route exists', () => {
    const withSocket = build();
    const without = build([...ROUTE_TABLE]);
    const tickets = withSocket.paths['/v1/ws-tickets']!.post!;

    expect(tickets).toMatchObject({
      operationId: 'websocket.issueTicket',
      tags: ['WebSockets'],
      summary: 'A single-use ticket to open one WebSocket from a browser',
      description: expect.stringContaining('Pass the ticket as `?ticket=` on the upgrade'),
      security: [{ bearerAuth: [] }, { apiKey: [] }, { organizationCode: [] }],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', required: ['path'], properties: { path: { type: 'string' } } },
          },
        },
      },
      responses: {
        201: {
          description: 'The ticket',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { ticket: { type: 'string' }, expiresInSeconds: { type: 'integer' } },
                // The result as sent: exactly these fields.
                additionalProperties: false,
              },
            },
          },
        },
        400: { $ref: '#/components/responses/BadRequest' },
        401: { $ref: '#/components/responses/Unauthenticated' },
        403: { $ref: '#/components/responses/Forbidden' },
        404: { description: 'NOT_FOUND: no WebSocket route at `path`', content: PROBLEM_JSON },
        429: { $ref: '#/components/responses/RateLimited' },
        503: { $ref: '#/components/responses/ServiceUnavailable' },
      },
      'x-rate-limit-class': 'write',
    });
    expect(Object.keys(tickets.responses)).toHaveLength(7);
    for (const ref of refsIn(tickets)) expect([ref, resolves(withSocket, ref)]).toEqual([ref, true]);
    expect(without.paths['/v1/ws-tickets']).toBeUndefined();
    expect(without.components.securitySchemes!.wsTicket).toBeUndefined();
  });

  it('offers the subprotocol only where user tokens are accepted', () => {
    const { description: _none, ...undescribed } = STREAM;
    const keysOnly = { ...undescribed, credentials: ['api-key'] as const };
    const document = build([keysOnly]);

    // Without a description of its own, the operation starts with the WebSocket facts.
    expect(document.paths['/v1/voice/calls/{callId}/stream']!.get!.description).toMatch(
      /^WebSocket \(`Upgrade/,
    );

    expect(document.paths['/v1/voice/calls/{callId}/stream']!.get!.security).toEqual([
      { apiKey: [] },
      { wsTicket: [] },
    ]);
    expect(document.paths['/v1/ws-tickets']!.post!.security).toEqual([{ apiKey: [] }]);
  });
});
