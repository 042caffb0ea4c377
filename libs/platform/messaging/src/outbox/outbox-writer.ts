import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  EVENT_ROUTING_KEY_REGEX,
  type PlatformEventInput,
  type PlatformEventName,
} from '@platform/contracts';
import { contractPayload } from '../events/contract-payload';
import { injectTraceHeaders } from '../amqp/trace-headers';
import { OutboxEventEntity } from './outbox-event.entity';

/**
 * Records an event inside the caller's transaction. It is published by the OutboxRelay after the
 * commit, so the event exists if and only if the state change does.
 */
export class OutboxWriter {
  /** Optional hook to wake the relay right after the caller's commit instead of at the next poll. */
  constructor(private readonly onWritten?: () => void) {}

  /**
   * `add` typed from the contracts: the payload type follows from the event name, and a payload that
   * breaks the contract throws inside the transaction (so the state change rolls back with it).
   */
  async addEvent<E extends PlatformEventName>(
    manager: EntityManager,
    event: E,
    payload: PlatformEventInput<E>,
  ): Promise<string> {
    return this.add(manager, event, contractPayload(event, payload));
  }

  async add<T>(manager: EntityManager, routingKey: string, payload: T): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxWriter.add must run inside the transaction that changes the state');
    }
    if (!EVENT_ROUTING_KEY_REGEX.test(routingKey)) {
      throw new Error(`Event routing key "${routingKey}" must be <service>.<entity>.<past tense>`);
    }
    const id = randomUUID();
    await manager.insert(OutboxEventEntity, {
      id,
      routingKey,
      payload: payload as object,
      headers: injectTraceHeaders({}) as Record<string, string>,
      occurredAt: new Date(),
    });
    if (this.onWritten) setImmediate(this.onWritten);
    return id;
  }
}
