import { Module, type DynamicModule } from '@nestjs/common';
import { AuthenticationModule } from '../authentication/authentication.module';
import { ThrottlingModule } from '../throttling/throttling.module';
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
      providers: [{ provide: ROUTES, useValue: routes }, RoutePipeline, PublicApiRegistrar],
    };
  }
}
