import { Module, type DynamicModule } from '@nestjs/common';
import { AuthenticationModule } from '../authentication/authentication.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { InternalUpstream } from './kinds/internal-upstream';
import { StreamRouteKind } from './kinds/stream-route';
import { WebhookRouteKind } from './kinds/webhook-route';
import { PublicApiRegistrar } from './public-api.registrar';
import { RouteAdmission } from './route-admission';
import type { RouteDefinition } from './route-definition';
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
        RouteAdmission,
        RoutePipeline,
        InternalUpstream,
        WebhookRouteKind,
        StreamRouteKind,
        PublicApiRegistrar,
      ],
    };
  }
}
