import {
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { AmqpConnection } from '../amqp/amqp-connection';
import { RpcServer } from '../rpc/rpc-server';

/** Declaring and binding every queue takes milliseconds on a live connection; this only bounds a sick broker. */
const RPC_READY_TIMEOUT_MS = 30_000;

/**
 * The process's messaging lifecycle. Connects at module init; once the app is wired, starts the shared
 * RPC server if routes were registered on it directly (the health ping) — handlers of controllers come
 * through the Nest transport (`AmqpTransportServer`), which adds its routes to the same server.
 * Shutdown runs in reverse: stop consuming, let in-flight handlers finish, close the connection.
 */
@Injectable()
export class MessagingLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    private readonly connection: AmqpConnection,
    private readonly rpcServer: RpcServer,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.connection.connect();
  }

  /** Resolves once the queue is declared, bound and consumed: a started service answers at once. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.rpcServer.patterns.length === 0) return;
    await this.rpcServer.start().waitForChannel(RPC_READY_TIMEOUT_MS);
  }

  /** First stop taking work and drain in-flight handlers (other shutdown hooks may still publish)... */
  async beforeApplicationShutdown(): Promise<void> {
    await this.rpcServer.stop();
  }

  /** ...then, once every module's before-shutdown hook ran, close the connection. */
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
