import { Module, type DynamicModule, type ForwardReference, type Type } from '@nestjs/common';
import type { BackendServiceName } from '@platform/contracts';
import { serviceEnvSchema, type ServiceEnv } from '@platform/config';
import type { ServiceDefinition } from './bootstrap-service';
import { ServiceCoreModule, type ServiceCoreOptions } from './service-core.module';

type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

export interface BackendServiceSpec extends Pick<ServiceCoreOptions, 'entities' | 'migrations' | 'redis'> {
  service: BackendServiceName;
  /** The service's feature modules (one folder each under src/). */
  features: ModuleImport[];
}

@Module({})
class BackendAppModule {}

/**
 * The definition of a backend service: the shared core (database, AMQP, health, metrics) plus its
 * feature modules. Every backend app's `main.ts` runs one of these.
 */
export function defineBackendService(spec: BackendServiceSpec): ServiceDefinition<ServiceEnv> {
  return {
    service: spec.service,
    envSchema: serviceEnvSchema,
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
        }),
        ...spec.features,
      ],
    }),
  };
}
