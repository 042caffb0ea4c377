import { randomUUID } from 'node:crypto';
import type { PlatformEventInput, PlatformEventName } from '@platform/contracts';
import { AmqpConnection, EventPublisher, silentLogger } from '@platform/messaging';

/**
 * Publishes platform events into a test's vhost as another service would (typed by the contracts),
 * so a suite can drive a consumer without starting the producer.
 */
export class EventSource {
  private constructor(
    private readonly connection: AmqpConnection,
    readonly publisher: EventPublisher,
  ) {}

  static async open(amqpUrl: string): Promise<EventSource> {
    const connection = new AmqpConnection({ url: amqpUrl, connectionName: `event-source-${randomUUID()}` });
    await connection.connect();
    return new EventSource(connection, new EventPublisher(connection, silentLogger));
  }

  /** `id` fixes the event id (to deliver the same event twice). */
  publish<E extends PlatformEventName>(event: E, payload: PlatformEventInput<E>, id?: string) {
    return this.publisher.publishEvent(event, payload, id ? { id } : {});
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
