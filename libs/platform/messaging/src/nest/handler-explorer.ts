import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { EventEnvelope, RpcEnvelope } from '@platform/contracts';
import { RPC_PATTERN_REGEX } from '@platform/contracts';
import { AmqpConnection } from '../amqp/amqp-connection';
import { EventConsumer } from '../events/event-consumer';
import { RpcServer } from '../rpc/rpc-server';
import {
  EVENT_HANDLER_METADATA,
  RPC_HANDLER_METADATA,
  type EventHandlerMetadata,
  type RpcHandlerMetadata,
} from './handler-decorators';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging-options';

type HandlerMethod = (this: object, ...args: unknown[]) => unknown;

/** Declaring and binding every queue takes milliseconds on a live connection; this only bounds a sick broker. */
const CONSUMERS_READY_TIMEOUT_MS = 30_000;

/**
 * Finds every `@RpcHandler`/`@EventHandler` method once the app is wired, then starts consuming.
 * Shutdown runs in reverse: stop consuming, let in-flight handlers finish, close the connection.
 */
@Injectable()
export class HandlerExplorer
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly consumers: EventConsumer[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly connection: AmqpConnection,
    private readonly rpcServer: RpcServer,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.connection.connect();
  }

  /** Resolves once every queue is declared, bound and consumed: a started service answers at once. */
  async onApplicationBootstrap(): Promise<void> {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[methodName] as HandlerMethod;
        this.registerRpc(
          this.reflector.get<RpcHandlerMetadata>(RPC_HANDLER_METADATA, method),
          instance,
          method,
        );
        this.registerEvent(
          this.reflector.get<EventHandlerMetadata>(EVENT_HANDLER_METADATA, method),
          instance,
          method,
        );
      }
    }
    const channels = this.consumers.map((consumer) => consumer.start());
    if (this.rpcServer.patterns.length > 0) channels.push(this.rpcServer.start());
    // Without this wait, a caller right after start-up could find a pattern not yet bound (RPC_NO_ROUTE).
    await Promise.all(channels.map((channel) => channel.waitForChannel(CONSUMERS_READY_TIMEOUT_MS)));
  }

  /** First stop taking work and drain in-flight handlers (other shutdown hooks may still publish)... */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.rpcServer.stop(), ...this.consumers.map((consumer) => consumer.stop())]);
  }

  /** ...then, once every module's before-shutdown hook ran, close the connection. */
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }

  private registerRpc(meta: RpcHandlerMetadata | undefined, instance: object, method: HandlerMethod): void {
    if (!meta) return;
    if (!RPC_PATTERN_REGEX.test(meta.pattern) || !meta.pattern.startsWith(`${this.options.service}.`)) {
      throw new Error(`RPC pattern "${meta.pattern}" must be ${this.options.service}.<entity>.<verb>`);
    }
    this.rpcServer.register({
      pattern: meta.pattern,
      schema: meta.schema,
      handle: (envelope: RpcEnvelope) => Promise.resolve(method.call(instance, envelope)),
    });
  }

  private registerEvent(
    meta: EventHandlerMetadata | undefined,
    instance: object,
    method: HandlerMethod,
  ): void {
    if (!meta) return;
    this.consumers.push(
      new EventConsumer(
        this.connection,
        {
          queue: `${this.options.service}.${meta.name}`,
          routingKeys: meta.routingKeys,
          schema: meta.schema,
          maxAttempts: meta.maxAttempts ?? this.options.eventMaxAttempts,
          retryBaseMs: this.options.eventRetryBaseMs,
          prefetch: this.options.prefetch,
          handle: (event: EventEnvelope) =>
            Promise.resolve(method.call(instance, event)).then(() => undefined),
        },
        this.options.logger,
      ),
    );
  }
}
