import { Module, type DynamicModule } from '@nestjs/common';
import { AuthenticationModule } from '../authentication/authentication.module';
import type { LoginGuard } from '../throttling/login-guard';
import { LOGIN_ROUTE_ID, loginGuardHook } from '../throttling/login-guard.hook';
import { ThrottlingModule } from '../throttling/throttling.module';
import { LOGIN_ATTEMPTS } from '../throttling/throttling.tokens';
import { ConnectionLeases } from '../websocket/connection-leases';
import { WebSocketAdmission } from '../websocket/websocket-admission';
import { WebSocketEdge } from '../websocket/websocket-edge';
import { WebSocketTickets } from '../websocket/websocket-tickets';
import { InternalUpstream } from './kinds/internal-upstream';
import { StreamRouteKind } from './kinds/stream-route';
import { WebhookRouteKind } from './kinds/webhook-route';
import { PublicApiRegistrar } from './public-api.registrar';
import { RouteAdmission } from './route-admission';
import type { RouteDefinition } from './route-definition';
import { ROUTE_HOOKS, assertHooksMatchRoutes, type RouteHook } from './route-hooks';
import { RoutePipeline } from './route-pipeline';
import { ROUTE_TABLE } from './route-table';
import { ROUTES } from './routes.tokens';

/** The public API: the route table turned into Fastify routes, plus its OpenAPI document. */
@Module({})
export class RoutesModule {
  static forRoot(routes: readonly RouteDefinition[] = ROUTE_TABLE): DynamicModule {
    return {
      module: RoutesModule,
      imports: [AuthenticationModule, ThrottlingModule],
      providers: [
        { provide: ROUTES, useValue: routes },
        {
          // Route-specific behaviour, by route id (the generic RouteDefinition knows nothing of it).
          provide: ROUTE_HOOKS,
          inject: [LOGIN_ATTEMPTS],
          useFactory: (loginGuard: LoginGuard) => {
            const hooks = new Map<string, RouteHook>([
              [LOGIN_ROUTE_ID, loginGuardHook(loginGuard) as RouteHook],
            ]);
            assertHooksMatchRoutes(
              hooks,
              routes.map((route) => route.id),
            );
            return hooks;
          },
        },
        RouteAdmission,
        RoutePipeline,
        InternalUpstream,
        WebhookRouteKind,
        StreamRouteKind,
        // The websocket kind (ADR 0008): tickets, per-organization leases, admission, the relay.
        WebSocketTickets,
        ConnectionLeases,
        WebSocketAdmission,
        WebSocketEdge,
        PublicApiRegistrar,
      ],
    };
  }
}
