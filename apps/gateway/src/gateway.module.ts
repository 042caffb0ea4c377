import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG, messagingOptionsFrom } from '@platform/bootstrap';
import { ProblemDetailsFilter } from '@platform/errors';
import { HealthModule, RabbitMqHealthIndicator, RedisHealthIndicator } from '@platform/health';
import { MessagingModule } from '@platform/messaging';
import { RedisModule } from '@platform/redis';
import type { GatewayEnv } from './config/gateway-env.schema';
import { SuspensionModule } from './billing/suspension.module';
import { BackendServicesReport } from './health/backend-services.health';
import { GatewayInternalServer } from './health/gateway-internal.server';
import type { RouteDefinition } from './routes/route-definition';
import { BackendGuard } from './resilience/backend-guard.service';
import { RoutesModule } from './routes/routes.module';
import { ROUTE_TABLE } from './routes/route-table';

/**
 * The only public HTTP surface: the public API from the route table (authentication, throttling,
 * authorization, validation, RPC to the owning service behind its circuit breaker and bulkhead),
 * OpenAPI + Swagger UI, health (readiness on the gateway's own dependencies only; every backend's
 * state at /health/services) and metrics on an internal port, and problem+json for every error.
 */
@Module({})
export class GatewayModule {
  /** `routes`: the real route table; test beds may pass it with routes of their own added. */
  static forRoot(
    config: GatewayEnv,
    logger: Logger,
    routes: readonly RouteDefinition[] = ROUTE_TABLE,
  ): DynamicModule {
    return {
      module: GatewayModule,
      global: true,
      imports: [
        RedisModule.forRoot({ url: config.REDIS_URL, connectionName: 'gateway', autoPipelining: true }),
        MessagingModule.forRoot(messagingOptionsFrom('gateway', config, logger)),
        HealthModule.forRoot({
          service: 'gateway',
          version: config.SERVICE_VERSION,
          // Only what the gateway itself needs: a backend down is answered by that backend's breaker.
          indicators: [RedisHealthIndicator, RabbitMqHealthIndicator],
          answerPing: false,
          // Public port: liveness only, served by PublicApiRegistrar as a plain Fastify route;
          // readiness and metrics are on GatewayInternalServer's port.
          httpPort: 'none',
        }),
        SuspensionModule,
        RoutesModule.forRoot(routes),
      ],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: APP_FILTER, useFactory: () => new ProblemDetailsFilter(logger) },
        BackendGuard,
        BackendServicesReport,
        GatewayInternalServer,
      ],
      exports: [SERVICE_CONFIG, LOGGER, BackendGuard],
    };
  }
}
