import type { BeforeApplicationShutdown } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import { RPC_PATTERN_REGEX, type EventEnvelope, type RpcEnvelope } from '@platform/contracts';
import type { AmqpConnection } from '../amqp/amqp-connection';
import type { ManagedChannel } from '../amqp/managed-channel';
import type { MessagingLogger } from '../amqp/messaging-logger';
import { EventConsumer } from '../events/event-consumer';
import { RpcServer } from '../rpc/rpc-server';
import { rpcQueueName, type RpcRoute } from '../rpc/rpc-route';
import { AmqpContext } from './amqp-context';
import { CONTRACT_SCHEMA_EXTRA, type AmqpHandlerExtras } from './handler-options';

export interface AmqpTransportOptions {
  service: string;
  /** Default in-flight messages per consumer (`AMQP_PREFETCH`); a handler's `concurrency` overrides it. */
  prefetch: number;
  eventMaxAttempts: number;
  eventRetryBaseMs: number;
  logger: MessagingLogger;
}

/** Declaring and binding every queue takes milliseconds on a live connection; this only bounds a sick broker. */
const READY_TIMEOUT_MS = 30_000;

export const AMQP_TRANSPORT_ID = Symbol('platform-amqp');

/**
 * The `@nestjs/microservices` transport of the platform, over our amqplib layer (ADR 0005). Nest
 * finds the `@MessagePattern`/`@EventPattern` methods of controllers and wraps each in its guards,
 * pipes, interceptors and exception filters; this server only routes deliveries to those wrapped
 * handlers. Every delivery property stays where it was: RPCs go through `RpcServer` (shared
 * `rpc.<service>` queue, reply-to, ack after reply, tracing, metrics), events through `EventConsumer`
 * (quorum queue, retry tiers, DLQ, confirms), on the process's one self-healing `AmqpConnection`.
 * A handler with `concurrency` gets its own queue and channel with that prefetch.
 */
export class AmqpTransportServer
  extends Server
  implements CustomTransportStrategy, BeforeApplicationShutdown
{
  override readonly transportId = AMQP_TRANSPORT_ID;
  private readonly dedicated: RpcServer[] = [];
  private readonly consumers: EventConsumer[] = [];
  private listening = false;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly sharedRpcServer: RpcServer,
    private readonly options: AmqpTransportOptions,
  ) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Stop taking work and drain in-flight handlers, before other modules' shutdown (DB, connection). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    const stopping = [...this.dedicated.splice(0), ...this.consumers.splice(0)];
    await Promise.all(stopping.map((part) => part.stop()));
  }

  on(): never {
    throw new Error('The AMQP transport emits no events; see AmqpConnection');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  /** Queue names of this server's consumers (for tests and operators). */
  get eventQueues(): string[] {
    return this.consumers.map((consumer) => consumer.queue);
  }

  private async start(): Promise<void> {
    if (this.listening) return;
    this.listening = true;
    const shared: RpcRoute[] = [];
    const channels: ManagedChannel[] = [];
    for (const [pattern, handler] of this.messageHandlers) {
      const extras = (handler.extras ?? {}) as AmqpHandlerExtras;
      if (handler.isEventHandler) {
        const consumer = this.eventConsumer(pattern, handler, extras);
        this.consumers.push(consumer);
        channels.push(consumer.start());
        continue;
      }
      this.assertOwnContractPattern(pattern, extras);
      const route: RpcRoute = {
        pattern,
        handle: (envelope, message) => this.invokeRpc(pattern, handler, envelope, message),
      };
      if (extras.concurrency === undefined) {
        shared.push(route);
        continue;
      }
      const server = new RpcServer(this.connection, {
        service: this.options.service,
        prefetch: positive(extras.concurrency, pattern),
        logger: this.options.logger,
        queue: `${rpcQueueName(this.options.service)}.${pattern}`,
      });
      server.register(route);
      this.dedicated.push(server);
      channels.push(server.start());
    }
    if (shared.length > 0) await this.sharedRpcServer.addRoutes(shared, READY_TIMEOUT_MS);
    // A caller right after start-up must not find a pattern unbound (RPC_NO_ROUTE).
    await Promise.all(channels.map((channel) => channel.waitForChannel(READY_TIMEOUT_MS)));
  }

  private assertOwnContractPattern(pattern: string, extras: AmqpHandlerExtras): void {
    const { service } = this.options;
    if (!RPC_PATTERN_REGEX.test(pattern) || !pattern.startsWith(`${service}.`))
      throw new Error(`RPC pattern "${pattern}" must be ${service}.<entity>.<verb>`);
    if (!extras[CONTRACT_SCHEMA_EXTRA])
      throw new Error(
        `RPC pattern "${pattern}" must be declared with ContractMessagePattern (its schema comes from the contract)`,
      );
  }

  private eventConsumer(event: string, handler: MessageHandler, extras: AmqpHandlerExtras): EventConsumer {
    const schema = extras[CONTRACT_SCHEMA_EXTRA];
    if (!schema) throw new Error(`Event handler of "${event}" must be declared with ContractEventPattern`);
    return new EventConsumer(
      this.connection,
      {
        // Derived, never hand-written: one queue per consuming service and event.
        queue: `${this.options.service}.${event}`,
        routingKeys: [event],
        schema,
        maxAttempts: extras.maxAttempts ?? this.options.eventMaxAttempts,
        retryBaseMs: this.options.eventRetryBaseMs,
        prefetch:
          extras.concurrency === undefined ? this.options.prefetch : positive(extras.concurrency, event),
        handle: (envelope, message) => this.invokeEvent(event, handler, envelope, message),
      },
      this.options.logger,
    );
  }

  private async invokeRpc(
    pattern: string,
    handler: MessageHandler,
    envelope: RpcEnvelope,
    message: ConsumeMessage,
  ): Promise<unknown> {
    const context = new AmqpContext({ kind: 'rpc', pattern, message, rpc: envelope });
    const result = await handler(envelope.data, context);
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  private async invokeEvent(
    event: string,
    handler: MessageHandler,
    envelope: EventEnvelope,
    message: ConsumeMessage,
  ): Promise<void> {
    const context = new AmqpContext({ kind: 'event', pattern: event, message, event: envelope });
    const result = await handler(envelope.payload, context);
    await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }
}

function positive(concurrency: number, pattern: string): number {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`concurrency of "${pattern}" must be a positive integer, got ${concurrency}`);
  return concurrency;
}
