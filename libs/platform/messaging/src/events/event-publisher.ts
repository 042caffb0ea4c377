import { SpanKind, context, trace } from '@opentelemetry/api';
import type { ConfirmChannel } from 'amqplib';
import {
  EVENT_ROUTING_KEY_REGEX,
  EVENTS_EXCHANGE,
  type EventEnvelope,
  type PlatformEventInput,
  type PlatformEventName,
} from '@platform/contracts';
import { contractPayload } from './contract-payload';
import { eventsPublishedTotal } from '@platform/observability';
import type { AmqpConnection } from '../amqp/amqp-connection';
import { publishConfirmed } from '../amqp/confirm-publish';
import type { ManagedChannel } from '../amqp/managed-channel';
import type { MessagingLogger } from '../amqp/messaging-logger';
import { injectTraceHeaders } from '../amqp/trace-headers';
import { buildEventEnvelope } from './event-envelope';

export interface PublishOptions {
  /** Stable id: the consumers' dedup key. The outbox passes its row id so a re-publish dedups. */
  id?: string;
  occurredAt?: Date;
  /** Extra AMQP headers (the outbox replays the trace headers captured at write time). */
  headers?: Record<string, unknown>;
}

/**
 * Publishes events to `platform.events` with publisher confirms. `publish` resolves only once the
 * broker has the message; if the connection drops first, it waits for the reconnect and publishes
 * again (same message id), so a confirmed event is never lost and a duplicate is deduped downstream.
 */
export class EventPublisher {
  private readonly channel: ManagedChannel;
  private readonly tracer = trace.getTracer('platform.messaging');

  constructor(
    connection: AmqpConnection,
    private readonly logger: MessagingLogger,
    private readonly publishTimeoutMs = 30_000,
  ) {
    this.channel = connection.createChannel({
      name: 'event-publisher',
      confirm: true,
      setup: async (channel) => {
        await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
      },
    });
  }

  /** `publish` typed from the contracts: the payload type follows from the event name and is checked. */
  async publishEvent<E extends PlatformEventName>(
    event: E,
    payload: PlatformEventInput<E>,
    options: PublishOptions = {},
  ): Promise<EventEnvelope<PlatformEventInput<E>>> {
    return this.publish(event, contractPayload(event, payload), options);
  }

  async publish<T>(routingKey: string, payload: T, options: PublishOptions = {}): Promise<EventEnvelope<T>> {
    if (!EVENT_ROUTING_KEY_REGEX.test(routingKey)) {
      throw new Error(`Event routing key "${routingKey}" must be <service>.<entity>.<past tense>`);
    }
    const envelope = buildEventEnvelope(routingKey, payload, options);
    const span = this.tracer.startSpan(`publish ${routingKey}`, {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': EVENTS_EXCHANGE },
    });
    const headers = options.headers ?? injectTraceHeaders({}, trace.setSpan(context.active(), span));
    try {
      await this.publishUntilConfirmed(routingKey, Buffer.from(JSON.stringify(envelope)), {
        messageId: envelope.id,
        type: routingKey,
        headers,
      });
      eventsPublishedTotal.inc({ routing_key: routingKey });
      return envelope;
    } finally {
      span.end();
    }
  }

  private async publishUntilConfirmed(
    routingKey: string,
    content: Buffer,
    props: { messageId: string; type: string; headers: Record<string, unknown> },
  ): Promise<void> {
    const deadline = Date.now() + this.publishTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`Event "${routingKey}" not confirmed within ${this.publishTimeoutMs} ms`);
      try {
        const channel = (await this.channel.waitForChannel(left)) as ConfirmChannel;
        await publishConfirmed(channel, EVENTS_EXCHANGE, routingKey, content, {
          ...props,
          persistent: true,
          contentType: 'application/json',
          timestamp: Math.floor(Date.now() / 1000),
        });
        return;
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        this.logger.warn({ err: error, routingKey, attempt }, 'event publish not confirmed; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 1000)));
      }
    }
  }
}
