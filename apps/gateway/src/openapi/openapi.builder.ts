import { z } from 'zod';
import { ROUTED_RPC_SCHEMAS } from '../routes/rpc-schemas';
import { isWebSocketRoute } from '../routes/kinds/websocket-route';
import {
  acceptedCredentials,
  type RouteCredential,
  type RouteDefinition,
  type RpcRouteDefinition,
} from '../routes/route-definition';
import { WS_TICKET_PATH } from '../websocket/websocket-ticket.route';
import {
  WEBSOCKET_SECURITY_SCHEMES,
  webSocketOperation,
  webSocketTicketOperation,
} from './websocket-operations';
import { RATE_LIMIT_CLASS_DESCRIPTIONS } from '../throttling/rate-limit-classes';
import { PROBLEM_DETAILS_SCHEMA } from './problem-details.schema';
import { streamOperation, webhookOperation } from './route-kind-operations';

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

const PROBLEM = 'application/problem+json';
const IDEMPOTENT_REPLAYED = { 'Idempotent-Replayed': { $ref: '#/components/headers/Idempotent-Replayed' } };
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { $ref: '#/components/headers/RateLimit-Limit' },
  'RateLimit-Remaining': { $ref: '#/components/headers/RateLimit-Remaining' },
  'RateLimit-Reset': { $ref: '#/components/headers/RateLimit-Reset' },
};

/** zod → JSON Schema 2020-12 (OpenAPI 3.1's dialect); request parts as accepted, results as sent. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** The OpenAPI security scheme of each kind of credential. */
const SECURITY_SCHEME: Record<RouteCredential, string> = {
  user: 'bearerAuth',
  'api-key': 'apiKey',
  'organization-code': 'organizationCode',
};

function problemResponse(description: string, extraHeaders: Record<string, unknown> = {}) {
  return {
    description,
    headers: { 'x-request-id': { $ref: '#/components/headers/X-Request-Id' }, ...extraHeaders },
    content: { [PROBLEM]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
  };
}

function parameters(route: RpcRouteDefinition): unknown[] {
  const out: unknown[] = [];
  for (const place of ['params', 'query'] as const) {
    const schema = route.request[place];
    if (!schema) continue;
    const object = jsonSchema(schema, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      const { description, ...propertySchema } = property;
      out.push({
        name,
        in: place === 'params' ? 'path' : 'query',
        required: place === 'params' || (object.required ?? []).includes(name),
        schema: propertySchema,
        ...(description ? { description } : {}),
      });
    }
  }
  return out;
}

function operation(route: RpcRouteDefinition): Record<string, unknown> {
  // Test beds route to stand-in services whose patterns have no schema here: no body schema then.
  const result = ROUTED_RPC_SCHEMAS[route.rpc as keyof typeof ROUTED_RPC_SCHEMAS]?.result as
    z.ZodType | undefined;
  const responses: Record<string, unknown> = {
    [route.success.status]: {
      description: route.success.description,
      headers: {
        'x-request-id': { $ref: '#/components/headers/X-Request-Id' },
        ...RATE_LIMIT_HEADERS,
        ...(route.idempotent ? IDEMPOTENT_REPLAYED : {}),
      },
      ...(route.success.status === 204 || !result
        ? {}
        : route.successMediaType
          ? { content: { [route.successMediaType]: { schema: { type: 'string' } } } }
          : { content: { 'application/json': { schema: jsonSchema(result, 'output') } } }),
    },
  };
  for (const [status, description] of Object.entries(route.alternateResponses ?? {})) {
    responses[status] = { description };
  }
  responses['400'] = { $ref: '#/components/responses/BadRequest' };
  if (route.auth !== 'public') responses['401'] = { $ref: '#/components/responses/Unauthenticated' };
  // Any authenticated route refuses a credential kind it does not accept; permission routes also a role.
  if (route.auth !== 'public') responses['403'] = { $ref: '#/components/responses/Forbidden' };
  if (route.idempotent) {
    responses['409'] = { $ref: '#/components/responses/IdempotencyKeyInFlight' };
    responses['422'] = { $ref: '#/components/responses/IdempotencyKeyReused' };
  }
  if (route.request.body) responses['413'] = { $ref: '#/components/responses/PayloadTooLarge' };
  responses['429'] = { $ref: '#/components/responses/RateLimited' };
  responses['503'] = { $ref: '#/components/responses/ServiceUnavailable' };
  responses['504'] = { $ref: '#/components/responses/Timeout' };

  const op: Record<string, unknown> = {
    operationId: route.id,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security:
      route.auth === 'public'
        ? []
        : acceptedCredentials(route).map((kind) => ({ [SECURITY_SCHEME[kind]]: [] })),
    parameters: route.idempotent
      ? [...parameters(route), { $ref: '#/components/parameters/Idempotency-Key' }]
      : parameters(route),
    responses,
    'x-rpc-pattern': route.rpc,
    'x-permission': route.auth,
    'x-credentials': route.auth === 'public' ? [] : [...acceptedCredentials(route)],
    'x-rate-limit-class': route.rateLimit,
  };
  if (route.request.body) {
    const body = jsonSchema(route.request.body, 'input') as { required?: string[] };
    op.requestBody = {
      required: (body.required ?? []).length > 0,
      content: { 'application/json': { schema: body } },
    };
  }
  return op;
}

/** The operations of one table entry, by HTTP method (a stream entry has one per method). */
function operationsOf(route: RouteDefinition): [string, Record<string, unknown>][] {
  switch (route.kind) {
    case 'webhook':
      return [['POST', webhookOperation(route)]];
    case 'stream':
      // OPTIONS is protocol discovery (tus), not an operation of the API.
      return route.methods.filter((m) => m !== 'OPTIONS').map((m) => [m, streamOperation(route, m)]);
    case 'websocket':
      return [['GET', webSocketOperation(route)]];
    default:
      return [[route.method, operation(route)]];
  }
}

/** `/v1/orgs/members/:userId` → `/v1/orgs/members/{userId}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The OpenAPI 3.1 document of the public API, derived entirely from the route table. */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], version: string): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    for (const [method, op] of operationsOf(route)) paths[path][method.toLowerCase()] = op;
  }
  const webSocketRoutes = routes.filter(isWebSocketRoute);
  if (webSocketRoutes.length > 0) paths[WS_TICKET_PATH] = { post: webSocketTicketOperation(webSocketRoutes) };
  paths['/health/live'] = {
    get: {
      operationId: 'health.live',
      tags: ['Operations'],
      summary: 'Liveness: the process serves requests',
      security: [],
      responses: { 200: { description: 'Up' } },
    },
  };
  // Readiness and metrics are served on the internal port only (GATEWAY_INTERNAL_PORT), never here.

  return {
    openapi: '3.1.0',
    info: {
      title: 'Platform API',
      version,
      description:
        'The public API of the platform, served by the gateway. Errors are RFC 9457 problem+json with a stable `code`. ' +
        'Every response carries `x-request-id`; throttled routes carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`. ' +
        `Rate-limit classes: ${Object.entries(RATE_LIMIT_CLASS_DESCRIPTIONS)
          .map(([name, description]) => `\`${name}\` (${description})`)
          .join(', ')}.`,
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Auth', description: 'Identity, sessions, second factor, OAuth' },
      { name: 'Organizations', description: 'Organizations and organization codes' },
      { name: 'Members', description: 'Members and invitations of the current organization' },
      { name: 'API keys', description: 'API keys of the current organization' },
      { name: 'Operations', description: 'Health' },
    ],
    components: {
      securitySchemes: {
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
        ...(webSocketRoutes.length > 0 ? WEBSOCKET_SECURITY_SCHEMES : {}),
      },
      schemas: { ProblemDetails: PROBLEM_DETAILS_SCHEMA },
      headers: {
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
        'Idempotent-Replayed': {
          description:
            '`true` when this is the stored answer of an earlier request with the same Idempotency-Key (same status and body); absent on the first run',
          schema: { type: 'string', enum: ['true'] },
        },
      },
      parameters: {
        'Idempotency-Key': {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Makes a retry of this command safe: kept 24 h per organization and caller. The same request again answers the stored response with `Idempotent-Replayed: true`; ' +
            'another request with the key → 422 IDEMPOTENCY_KEY_REUSED; while the first is running → 409 IDEMPOTENCY_KEY_IN_FLIGHT. 1–255 visible ASCII characters.',
          schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
        },
      },
      responses: {
        BadRequest: problemResponse('VALIDATION_FAILED (with `errors`) or BAD_REQUEST'),
        Unauthenticated: problemResponse('UNAUTHENTICATED: missing, invalid, expired or revoked credential'),
        Forbidden: problemResponse(
          'FORBIDDEN: the route does not accept this kind of credential, or the role (or API key scope) lacks the permission',
        ),
        PayloadTooLarge: problemResponse('PAYLOAD_TOO_LARGE'),
        RateLimited: problemResponse('RATE_LIMITED', {
          ...RATE_LIMIT_HEADERS,
          'Retry-After': { $ref: '#/components/headers/Retry-After' },
        }),
        ServiceUnavailable: problemResponse('SERVICE_UNAVAILABLE or RPC_NO_ROUTE'),
        Timeout: problemResponse('RPC_TIMEOUT: the service did not answer in time'),
        IdempotencyKeyInFlight: problemResponse(
          'IDEMPOTENCY_KEY_IN_FLIGHT: a request with this Idempotency-Key is still running; retry later with the same key',
        ),
        IdempotencyKeyReused: problemResponse(
          'IDEMPOTENCY_KEY_REUSED: this Idempotency-Key was used for a different request in the last 24 h',
        ),
      },
    },
    paths,
  };
}
