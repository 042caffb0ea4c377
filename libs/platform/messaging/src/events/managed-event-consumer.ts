import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { AmqpConnection } from '../amqp/amqp-connection';
import type { ManagedChannel } from '../amqp/managed-channel';
import type { MessagingLogger } from '../amqp/messaging-logger';
import { EventConsumer, type EventSubscription } from './event-consumer';

/**
 * A Nest provider consuming one event subscription of its own (a queue with its own retry schedule
 * or prefetch, outside the service's `@EventPattern` handlers): started at bootstrap, and stopped
 * before the application shuts down — before the database and the AMQP connection close, so a
 * message in flight finishes (or is redelivered) instead of failing half-way. A subclass says which
 * subscription.
 */
export abstract class ManagedEventConsumer<T = unknown>
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private consumer?: EventConsumer<T>;
  private channel?: ManagedChannel;

  protected constructor(
    private readonly amqp: AmqpConnection,
    private readonly messagingLogger: MessagingLogger,
  ) {}

  /** The queue, its routing keys, schema, retry schedule, prefetch and handler. */
  protected abstract subscription(): EventSubscription<T>;

  onApplicationBootstrap(): void {
    this.consumer = new EventConsumer(this.amqp, this.subscription(), this.messagingLogger);
    this.channel = this.consumer.start();
  }

  /** Resolves once the queue is declared, bound and consumed (events published before are not lost). */
  async ready(timeoutMs = 10_000): Promise<void> {
    await this.channel?.waitForChannel(timeoutMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
