import { Module, type DynamicModule, type ForwardReference, type Type } from '@nestjs/common';
import type { z } from 'zod';
import type { BackendServiceName } from '@platform/contracts';
import { serviceEnvSchema, type ServiceEnv } from '@platform/config';
import type { ServiceDefinition } from './bootstrap-service';
import { ServiceCoreModule, type ServiceCoreOptions } from './service-core.module';

type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

export interface BackendServiceSpec<C extends ServiceEnv> extends Pick<
  ServiceCoreOptions,
  'entities' | 'migrations' | 'redis' | 'tenancy'
> {
  service: BackendServiceName;
  /** The service's env schema: `serviceEnvSchema` extended with its own variables (default: as is). */
  envSchema?: z.ZodObject;
  /** The service's feature modules (one folder each under src/); config is the validated env. */
  features: ModuleImport[] | ((config: C) => ModuleImport[]);
}

@Module({})
class BackendAppModule {}

/**
 * The definition of a backend service: the shared core (database, AMQP, health, metrics) plus its
 * feature modules. Every backend app's `main.ts` runs one of these. The validated config is
 * injectable everywhere with `@Inject(SERVICE_CONFIG)`.
 */
export function defineBackendService<C extends ServiceEnv = ServiceEnv>(
  spec: BackendServiceSpec<C>,
): ServiceDefinition<C> {
  return {
    service: spec.service,
    envSchema: spec.envSchema ?? serviceEnvSchema,
    amqpTransport: true,
    module: (config, logger) => ({
      module: BackendAppModule,
      imports: [
        ServiceCoreModule.forRoot({
          service: spec.service,
          config,
          logger,
          entities: spec.entities,
          migrations: spec.migrations,
          redis: spec.redis,
          tenancy: spec.tenancy,
        }),
        ...(typeof spec.features === 'function' ? spec.features(config) : spec.features),
      ],
    }),
  };
}
