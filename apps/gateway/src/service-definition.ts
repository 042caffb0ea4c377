import type { ServiceDefinition } from '@platform/bootstrap';
import { gatewayEnvSchema, type GatewayEnv } from './config/gateway-env.schema';
import { GatewayModule } from './gateway.module';

export const gatewayService: ServiceDefinition<GatewayEnv> = {
  service: 'gateway',
  envSchema: gatewayEnvSchema,
  module: (config, logger) => GatewayModule.forRoot(config, logger),
};
