import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { ZodType } from 'zod';
import { EVENTS_EXCHANGE, type EventEnvelope } from '@platform/contracts';
import { requestContext } from '@platform/logging';
import { eventsConsumedTotal } from '@platform/observability';
import type { AmqpConnection } from '../amqp/amqp-connection';
import { publishConfirmed } from '../amqp/confirm-publish';
import type { ManagedChannel } from '../amqp/managed-channel';
import { QueueConsumer } from '../amqp/queue-consumer';
import type { MessagingLogger } from '../amqp/messaging-logger';
import { extractTraceContext } from '../amqp/trace-headers';
import { consumerTopology, type ConsumerTopology } from './consumer-topology';
import { PoisonMessageError } from './poison-message-error';

export const ATTEMPTS_HEADER = 'x-attempts';

export interface EventSubscription<T = unknown> {
  /** Durable queue of this consumer, `<service>.<handler>`; each consumer gets its own copy of an event. */
  queue: string;
  routingKeys: string[];
  /** Validates `payload`; a message that fails it is poison. */
  schema?: ZodType<T>;
  handle(event: EventEnvelope<T>, message: ConsumeMessage): Promise<void>;
  maxAttempts: number;
  retryBaseMs: number;
  prefetch: number;
}

/**
 * Consumes one subscription with manual acks. A message is acked only after its handler resolved;
 * a failure is re-published (with confirms) to a delay queue that dead-letters it back after the
 * backoff, and after `maxAttempts` to `<queue>.dlq`, and only then is the original acked.
 */
export class EventConsumer<T = unknown> {
  private readonly topology: ConsumerTopology;
  private consumer: QueueConsumer<ConfirmChannel> | undefined;
  private readonly tracer = trace.getTracer('platform.messaging');

  constructor(
    private readonly connection: AmqpConnection,
    private readonly subscription: EventSubscription<T>,
    private readonly logger: MessagingLogger,
  ) {
    this.topology = consumerTopology(subscription.queue, subscription.maxAttempts, subscription.retryBaseMs);
  }

  get queue(): string {
    return this.topology.queue;
  }

  get deadLetterQueue(): string {
    return this.topology.deadLetterQueue;
  }

  start(): ManagedChannel {
    this.consumer ??= new QueueConsumer<ConfirmChannel>(this.connection, {
      name: `consumer:${this.topology.queue}`,
      queue: this.topology.queue,
      confirm: true,
      prefetch: this.subscription.prefetch,
      declare: (channel) => this.declare(channel),
      handle: (channel, message) => this.process(channel, message),
    });
    return this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  private async declare(channel: ConfirmChannel): Promise<void> {
    const { queue, deadLetterQueue, retryDelaysMs } = this.topology;
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    await channel.assertQueue(deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (const delayMs of retryDelaysMs) {
      await channel.assertQueue(this.topology.retryQueue(delayMs), {
        durable: true,
        arguments: {
          'x-queue-type': 'classic',
          'x-message-ttl': delayMs,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': queue,
        },
      });
    }
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (const routingKey of this.subscription.routingKeys) {
      await channel.bindQueue(queue, EVENTS_EXCHANGE, routingKey);
    }
  }

  private async process(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const headers = message.properties.headers ?? {};
    const parentContext = extractTraceContext(headers);
    const span = this.tracer.startSpan(
      `consume ${message.fields.routingKey}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': this.queue },
      },
      parentContext,
    );
    try {
      await context.with(trace.setSpan(parentContext, span), () => this.invokeHandler(message));
      channel.ack(message);
      eventsConsumedTotal.inc({ queue: this.queue, outcome: 'ack' });
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      await this.handleFailure(channel, message, error);
    } finally {
      span.end();
    }
  }

  private async invokeHandler(message: ConsumeMessage): Promise<void> {
    let event: EventEnvelope<T>;
    try {
      event = JSON.parse(message.content.toString('utf8')) as EventEnvelope<T>;
      if (!event || typeof event.id !== 'string') throw new Error('event envelope has no id');
      if (this.subscription.schema)
        event = { ...event, payload: this.subscription.schema.parse(event.payload) };
    } catch (error) {
      throw new PoisonMessageError(`unreadable event: ${(error as Error).message}`);
    }
    const organizationId = (event.payload as { organizationId?: string } | null)?.organizationId;
    await requestContext.run({ requestId: event.id, organizationId }, () =>
      this.subscription.handle(event, message),
    );
  }

  private async handleFailure(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    error: unknown,
  ): Promise<void> {
    const headers = message.properties.headers ?? {};
    const attempts = Number(headers[ATTEMPTS_HEADER] ?? 0) + 1;
    const poison = error instanceof PoisonMessageError;
    const exhausted = attempts >= this.subscription.maxAttempts;
    const target =
      poison || exhausted
        ? this.topology.deadLetterQueue
        : this.topology.retryQueue(this.topology.retryDelaysMs[attempts - 1]);
    const outcome = poison || exhausted ? 'dead_letter' : 'retry';
    try {
      await publishConfirmed(channel, '', target, message.content, {
        ...message.properties,
        persistent: true,
        expiration: undefined,
        headers: {
          ...headers,
          [ATTEMPTS_HEADER]: attempts,
          'x-last-error': String((error as Error)?.message ?? error).slice(0, 1000),
          ...(outcome === 'dead_letter' ? { 'x-dead-lettered-at': new Date().toISOString() } : {}),
        },
      });
      channel.ack(message);
      eventsConsumedTotal.inc({ queue: this.queue, outcome });
      const log = outcome === 'retry' ? this.logger.warn : this.logger.error;
      log.call(
        this.logger,
        { err: error, queue: this.queue, attempts, target },
        `event handler failed (${outcome})`,
      );
    } catch (republishError) {
      // Could not park it: leave it on the queue (redelivered) rather than lose it.
      this.logger.error(
        { err: republishError, queue: this.queue },
        'could not re-publish failed event; requeueing',
      );
      try {
        channel.nack(message, false, true);
      } catch {
        // channel already closed: the broker redelivers unacked messages by itself
      }
    }
  }
}
