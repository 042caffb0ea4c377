import { z } from 'zod';
import type { RouteCredential } from '../routes/route-definition';
import { acceptedCredentials } from '../routes/route-definition';
import type { WebSocketRouteDefinition } from '../routes/kinds/websocket-route';
import {
  WS_TICKET_PATH,
  WS_TICKET_ROUTE_ID,
  wsTicketRequestSchema,
  wsTicketResultSchema,
} from '../websocket/websocket-ticket.route';

type JsonSchema = Record<string, unknown>;

const SECURITY_SCHEME: Record<RouteCredential, string> = {
  user: 'bearerAuth',
  'api-key': 'apiKey',
  'organization-code': 'organizationCode',
};

/** How a browser authenticates a socket (OpenAPI has no WebSocket object: these describe the upgrade). */
export const WEBSOCKET_SECURITY_SCHEMES = {
  wsTicket: {
    type: 'apiKey',
    in: 'query',
    name: 'ticket',
    description: `Single-use ticket from \`POST ${WS_TICKET_PATH}\` (30 s), bound to the caller and the path`,
  },
  wsBearerSubprotocol: {
    type: 'apiKey',
    in: 'header',
    name: 'Sec-WebSocket-Protocol',
    description:
      'User access token as the subprotocol pair `bearer, <access token>` (browsers: `new WebSocket(url, ["bearer", token])`); the answer names `bearer` (or the application protocol the service chose), never the token',
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const problem = (ref: string) => ({ $ref: `#/components/responses/${ref}` });

/** `GET <path>` with `101 Switching Protocols`: how to open the socket, what refuses it, its limits. */
export function webSocketOperation(route: WebSocketRouteDefinition): Record<string, unknown> {
  const credentials = acceptedCredentials(route);
  const security = [
    ...credentials.map((kind) => ({ [SECURITY_SCHEME[kind]]: [] })),
    { wsTicket: [] },
    ...(credentials.includes('user') ? [{ wsBearerSubprotocol: [] }] : []),
  ];
  return {
    operationId: route.id,
    tags: [route.tag],
    summary: route.summary,
    description: [
      route.description,
      `WebSocket (\`Upgrade: websocket\`), relayed to the ${route.service} service. ` +
        `At most ${route.maxConnectionsPerOrganization} open connections per organization on this route; ` +
        `no data frame either way for ${route.idleTimeoutSeconds} s closes with 4408 "idle timeout"; ` +
        `messages over ${route.maxMessageBytes} bytes close with 1009. ` +
        'The service closing is passed on with its code (1014 if it vanished); refusals happen before the upgrade, as problem+json.',
    ]
      .filter(Boolean)
      .join('\n\n'),
    security,
    parameters: [],
    responses: {
      101: { description: 'Switching Protocols: the socket is open and relayed' },
      401: problem('Unauthenticated'),
      403: problem('Forbidden'),
      429: problemWithCode('RATE_LIMITED: the route throttle, or the organization’s open-connection limit'),
      503: problem('ServiceUnavailable'),
    },
    'x-websocket': {
      service: route.service,
      maxConnectionsPerOrganization: route.maxConnectionsPerOrganization,
      idleTimeoutSeconds: route.idleTimeoutSeconds,
      maxMessageBytes: route.maxMessageBytes,
    },
    'x-permission': route.auth,
    'x-credentials': [...credentials],
    'x-rate-limit-class': route.rateLimit,
  };
}

function problemWithCode(description: string) {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
  };
}

/** `POST /v1/ws-tickets` (listed only when the table has WebSocket routes, like the route itself). */
export function webSocketTicketOperation(
  routes: readonly WebSocketRouteDefinition[],
): Record<string, unknown> {
  const kinds = new Set(routes.flatMap((route) => acceptedCredentials(route)));
  return {
    operationId: WS_TICKET_ROUTE_ID,
    tags: ['WebSockets'],
    summary: 'A single-use ticket to open one WebSocket from a browser',
    description:
      'The caller must be allowed to open the route at `path` (credential kind and permission are checked now). Pass the ticket as `?ticket=` on the upgrade within `expiresInSeconds`; it works once.',
    security: [...kinds].map((kind) => ({ [SECURITY_SCHEME[kind]]: [] })),
    requestBody: {
      required: true,
      content: { 'application/json': { schema: jsonSchema(wsTicketRequestSchema, 'input') } },
    },
    responses: {
      201: {
        description: 'The ticket',
        content: { 'application/json': { schema: jsonSchema(wsTicketResultSchema, 'output') } },
      },
      400: problem('BadRequest'),
      401: problem('Unauthenticated'),
      403: problem('Forbidden'),
      404: problemWithCode('NOT_FOUND: no WebSocket route at `path`'),
      429: problem('RateLimited'),
      503: problem('ServiceUnavailable'),
    },
    'x-rate-limit-class': 'write',
  };
}
