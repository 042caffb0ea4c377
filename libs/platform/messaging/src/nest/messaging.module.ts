import { Module, type DynamicModule } from '@nestjs/common';
import { AmqpConnection } from '../amqp/amqp-connection';
import { EventPublisher } from '../events/event-publisher';
import { RpcClient } from '../rpc/rpc-client';
import { RpcServer } from '../rpc/rpc-server';
import { AmqpClient } from '../transport/amqp-client';
import { AmqpTransportServer } from '../transport/amqp-transport.server';
import { MessagingLifecycle } from './messaging-lifecycle';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging-options';

/**
 * One AMQP connection per process, an RPC client and server, an event publisher and the consumers;
 * the Nest transport (`AmqpTransportServer`, `AmqpClient`) over the same connection.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: AmqpConnection,
          useFactory: () =>
            new AmqpConnection({
              url: options.url,
              connectionName: `${options.service}:${process.pid}`,
              logger: options.logger,
            }),
        },
        {
          provide: RpcClient,
          useFactory: (connection: AmqpConnection) => new RpcClient(connection, options.rpcTimeoutMs),
          inject: [AmqpConnection],
        },
        {
          provide: RpcServer,
          useFactory: (connection: AmqpConnection) =>
            new RpcServer(connection, {
              service: options.service,
              prefetch: options.prefetch,
              logger: options.logger,
            }),
          inject: [AmqpConnection],
        },
        {
          provide: EventPublisher,
          useFactory: (connection: AmqpConnection) => new EventPublisher(connection, options.logger),
          inject: [AmqpConnection],
        },
        {
          // The @nestjs/microservices strategy (connectAmqpTransport); a provider so it drains on shutdown.
          provide: AmqpTransportServer,
          useFactory: (connection: AmqpConnection, rpcServer: RpcServer) =>
            new AmqpTransportServer(connection, rpcServer, {
              service: options.service,
              prefetch: options.prefetch,
              eventMaxAttempts: options.eventMaxAttempts,
              eventRetryBaseMs: options.eventRetryBaseMs,
              logger: options.logger,
            }),
          inject: [AmqpConnection, RpcServer],
        },
        {
          provide: AmqpClient,
          useFactory: (rpc: RpcClient, publisher: EventPublisher) => new AmqpClient(rpc, publisher),
          inject: [RpcClient, EventPublisher],
        },
        MessagingLifecycle,
      ],
      exports: [
        AmqpConnection,
        RpcClient,
        RpcServer,
        EventPublisher,
        AmqpTransportServer,
        AmqpClient,
        MESSAGING_OPTIONS,
      ],
    };
  }
}
