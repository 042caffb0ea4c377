import type { INestApplication, INestMicroservice } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from '../nest/messaging-options';
import { AmqpExceptionFilter } from './amqp-exception.filter';
import { AmqpTransportServer } from './amqp-transport.server';

/**
 * Serves the app's `@MessagePattern`/`@EventPattern` controllers over the platform transport. Call
 * before `app.init()`, then `app.startAllMicroservices()` once the app is initialised.
 *
 * The exception filter must be global before Nest wraps the handlers (it reads global filters when it
 * registers them), hence the deferred registration; the app's own init already ran the lifecycle
 * hooks, so the microservice must not run them a second time.
 */
export function connectAmqpTransport(app: INestApplication): INestMicroservice {
  const options = app.get<MessagingModuleOptions>(MESSAGING_OPTIONS);
  const microservice = app.connectMicroservice<MicroserviceOptions>(
    { strategy: app.get(AmqpTransportServer) },
    { inheritAppConfig: false, deferInitialization: true },
  );
  microservice.useGlobalFilters(new AmqpExceptionFilter(options.logger));
  (microservice as unknown as { setIsInitHookCalled(called: boolean): void }).setIsInitHookCalled(true);
  return microservice;
}
