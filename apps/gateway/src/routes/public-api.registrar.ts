import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { registerPublicLiveness } from '../health/public-liveness.route';
import { registerHttpEdge } from '../http/http-edge';
import { registerApiDocs } from '../openapi/api-docs';
import { buildOpenApiDocument } from '../openapi/openapi.builder';
import { Authenticator } from '../authentication/authenticator.service';
import { WebSocketAdmission } from '../websocket/websocket-admission';
import { WebSocketEdge } from '../websocket/websocket-edge';
import { registerWebSocketTicketRoute } from '../websocket/websocket-ticket.route';
import { WebSocketTickets } from '../websocket/websocket-tickets';
import { StreamRouteKind } from './kinds/stream-route';
import { WebhookRouteKind } from './kinds/webhook-route';
import type { WebSocketRouteDefinition } from './kinds/websocket-route';
import type { RouteDefinition } from './route-definition';
import { RoutePipeline } from './route-pipeline';
import { ROUTES } from './routes.tokens';

/**
 * Puts the public API on the Fastify instance before it starts listening: security headers and
 * CORS, `/health/live`, one Fastify route per route-table entry, the OpenAPI document and Swagger UI. Routes are
 * registered on Fastify directly (not as Nest controllers) because they are data, not classes;
 * errors still reach Nest's global ProblemDetailsFilter through Fastify's error handler.
 */
@Injectable()
export class PublicApiRegistrar implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly pipeline: RoutePipeline,
    private readonly webhooks: WebhookRouteKind,
    private readonly streams: StreamRouteKind,
    private readonly webSockets: WebSocketEdge,
    private readonly webSocketAdmission: WebSocketAdmission,
    private readonly webSocketTickets: WebSocketTickets,
    private readonly authenticator: Authenticator,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(ROUTES) private readonly routes: readonly RouteDefinition[],
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.decorateRequest('principal', null);
    fastify.decorateRequest('clientIp', '');
    await registerHttpEdge(fastify, this.config);
    registerPublicLiveness(fastify);
    const webSocketRoutes: WebSocketRouteDefinition[] = [];
    for (const route of this.routes) this.register(fastify, route, webSocketRoutes);
    // WebSocket routes live on the server's `upgrade` event; tickets only exist when such a route does.
    this.webSockets.attach(fastify.server, webSocketRoutes);
    if (webSocketRoutes.length > 0) {
      registerWebSocketTicketRoute(fastify, {
        routes: webSocketRoutes,
        authenticator: this.authenticator,
        admission: this.webSocketAdmission,
        tickets: this.webSocketTickets,
        config: this.config,
      });
    }
    await registerApiDocs(fastify, buildOpenApiDocument(this.routes, this.config.SERVICE_VERSION));
  }

  /** Each kind of route has its own registrar (ADR 0007); the switch is exhaustive over the union. */
  private register(
    fastify: FastifyInstance,
    route: RouteDefinition,
    webSocketRoutes: WebSocketRouteDefinition[],
  ): void {
    switch (route.kind) {
      case 'websocket':
        webSocketRoutes.push(route);
        return;
      case 'webhook':
        return this.webhooks.register(fastify, route);
      case 'stream':
        return this.streams.register(fastify, route);
      case undefined:
      case 'rpc':
        return this.pipeline.register(fastify, route);
      default:
        return assertNever(route);
    }
  }
}

function assertNever(route: never): never {
  throw new Error(`Unknown route kind: ${JSON.stringify(route)}`);
}
