import { Module, type DynamicModule } from '@nestjs/common';
import { AuthenticationModule } from '../authentication/authentication.module';
import type { LoginGuard } from '../throttling/login-guard';
import { LOGIN_ROUTE_ID, loginGuardHook } from '../throttling/login-guard.hook';
import { ThrottlingModule } from '../throttling/throttling.module';
import { LOGIN_ATTEMPTS } from '../throttling/throttling.tokens';
import { ROUTE_HOOKS, assertHooksMatchRoutes, type RouteHook } from './route-hooks';
import { PublicApiRegistrar } from './public-api.registrar';
import { WebSocketModule } from '../websocket/websocket.module';
import type { AnyRouteDefinition } from './route-definition';
import { RoutePipeline } from './route-pipeline';
import { ROUTE_TABLE } from './route-table';
import { ROUTES } from './routes.tokens';

/** The public API: the route table turned into Fastify routes, plus its OpenAPI document. */
@Module({})
export class RoutesModule {
  static forRoot(routes: readonly AnyRouteDefinition[] = ROUTE_TABLE): DynamicModule {
    return {
      module: RoutesModule,
      imports: [AuthenticationModule, ThrottlingModule, WebSocketModule],
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
        RoutePipeline,
        PublicApiRegistrar,
      ],
    };
  }
}
