import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError, ValidationError, zodIssuesToValidationIssues } from '@platform/errors';
import type { Authenticator } from '../authentication/authenticator.service';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { assertJsonMediaType } from '../http/json-media-type';
import { pathMatcher, type WebSocketRouteDefinition } from '../routes/kinds/websocket-route';
import { clientIp } from '../throttling/client-ip';
import type { WebSocketAdmission } from './websocket-admission';
import type { TicketCredential, WebSocketTickets } from './websocket-tickets';

/** When the caller's credential expires, from authentication (onRequest) to the ticket (handler). */
const ticketCredential = new WeakMap<object, TicketCredential>();

export const WS_TICKET_PATH = '/v1/ws-tickets';
export const WS_TICKET_ROUTE_ID = 'websocket.issueTicket';

export const wsTicketRequestSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .max(2048)
    .regex(/^\/[^?#\s]*$/, 'a path starting with "/", without query or fragment')
    .describe('The WebSocket path the ticket opens, e.g. `/v1/voice/calls/3f2c…/stream`'),
});

export const wsTicketResultSchema = z.object({
  ticket: z.string().describe('Pass as `?ticket=` on the upgrade; single use'),
  expiresInSeconds: z.number().int().positive(),
});

/**
 * `POST /v1/ws-tickets`: an authenticated caller gets a single-use ticket for one WebSocket path
 * (for browsers: `new WebSocket(url + '?ticket=' + ticket)`). The caller must already be allowed to
 * open that route (credential kind and permission checked now, with its throttle), so a ticket never
 * widens what a credential may do; at the upgrade, the route's own throttle and connection limit
 * apply as for any other credential.
 */
export function registerWebSocketTicketRoute(
  fastify: FastifyInstance,
  deps: {
    routes: readonly WebSocketRouteDefinition[];
    authenticator: Authenticator;
    admission: WebSocketAdmission;
    tickets: WebSocketTickets;
    config: GatewayEnv;
  },
): void {
  const routes = deps.routes.map((route) => ({ route, matches: pathMatcher(route.path) }));
  fastify.route({
    method: 'POST',
    url: WS_TICKET_PATH,
    bodyLimit: 4096,
    onRequest: async (request) => {
      assertJsonMediaType(request);
      request.clientIp = clientIp(request, deps.config.TRUSTED_PROXY_HOPS);
      const authenticated = await deps.authenticator.authenticate(
        request.headers,
        request.clientIp,
        String(request.id),
      );
      request.principal = authenticated.principal;
      ticketCredential.set(request, {
        credentialExpiresAtMs: authenticated.expiresAtMs,
        revocationMarker: authenticated.revocationMarker,
      });
    },
    handler: async (request, reply) => {
      const body = wsTicketRequestSchema.safeParse(request.body ?? {});
      if (!body.success) {
        throw new ValidationError(
          zodIssuesToValidationIssues(body.error).map((issue) => ({
            ...issue,
            path: issue.path ? `body.${issue.path}` : 'body',
          })),
        );
      }
      const target = routes.find((candidate) => candidate.matches(body.data.path));
      if (!target) throw new NotFoundError('WebSocket route', body.data.path);
      const principal = request.principal!;
      await deps.admission.admitTicketRequest(
        target.route,
        WS_TICKET_ROUTE_ID,
        principal,
        request.clientIp,
        reply,
      );
      // The socket it opens closes when the credential it was issued to expires.
      const issued = await deps.tickets.issue(
        principal,
        target.route.id,
        body.data.path,
        ticketCredential.get(request),
      );
      void reply.header('cache-control', 'no-store');
      return reply.status(201).send(issued);
    },
  });
}
