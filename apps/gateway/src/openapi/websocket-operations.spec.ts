import { defineWebSocketRoute } from '../routes/kinds/websocket-route';
import { ROUTE_TABLE } from '../routes/route-table';
import { buildOpenApiDocument } from './openapi.builder';

const STREAM = defineWebSocketRoute({
  id: 'voice.callStream',
  path: '/v1/voice/calls/:callId/stream',
  service: 'voice',
  auth: 'calls:read' as never,
  credentials: ['user', 'api-key'],
  rateLimit: 'read',
  maxConnectionsPerOrganization: 5,
  idleTimeoutSeconds: 30,
  maxMessageBytes: 65536,
  tag: 'Voice',
  summary: 'Live call audio',
});

type Operation = Record<string, unknown> & { responses: Record<string, unknown>; security: unknown[] };
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

describe('WebSocket routes in the OpenAPI document', () => {
  it('lists a WebSocket route as GET answering 101, with its refusals, limits and every way to authenticate', () => {
    const document = buildOpenApiDocument([...ROUTE_TABLE, STREAM], '1.0.0') as unknown as Document;
    const operation = document.paths['/v1/voice/calls/{callId}/stream']!.get!;

    expect(operation.operationId).toBe('voice.callStream');
    expect(Object.keys(operation.responses).sort()).toEqual(['101', '401', '403', '429', '503']);
    expect(operation.security).toEqual([
      { bearerAuth: [] },
      { apiKey: [] },
      { wsTicket: [] },
      { wsBearerSubprotocol: [] },
    ]);
    expect(operation['x-websocket']).toEqual({
      service: 'voice',
      maxConnectionsPerOrganization: 5,
      idleTimeoutSeconds: 30,
      maxMessageBytes: 65536,
    });
    expect(operation['x-permission']).toBe('calls:read');
    expect(operation['x-credentials']).toEqual(['user', 'api-key']);
    expect(Object.keys(document.components.securitySchemes)).toEqual(
      expect.arrayContaining(['wsTicket', 'wsBearerSubprotocol']),
    );
  });

  it('lists POST /v1/ws-tickets only when a WebSocket route exists', () => {
    const withSocket = buildOpenApiDocument([...ROUTE_TABLE, STREAM], '1.0.0') as unknown as Document;
    const without = buildOpenApiDocument(ROUTE_TABLE, '1.0.0') as unknown as Document;

    const tickets = withSocket.paths['/v1/ws-tickets']!.post!;
    expect(tickets.operationId).toBe('websocket.issueTicket');
    expect(Object.keys(tickets.responses).sort()).toEqual(['201', '400', '401', '403', '404', '429', '503']);
    expect(tickets.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    expect(without.paths['/v1/ws-tickets']).toBeUndefined();
    expect(without.components.securitySchemes.wsTicket).toBeUndefined();
  });

  it('offers the subprotocol only where user tokens are accepted', () => {
    const keysOnly = { ...STREAM, credentials: ['api-key'] as const };
    const document = buildOpenApiDocument([keysOnly], '1.0.0') as unknown as Document;

    expect(document.paths['/v1/voice/calls/{callId}/stream']!.get!.security).toEqual([
      { apiKey: [] },
      { wsTicket: [] },
    ]);
  });
});
