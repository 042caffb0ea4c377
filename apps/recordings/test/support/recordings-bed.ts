import { randomUUID } from 'node:crypto';
import {
  recordingsContract,
  type PlanCode,
  type PlatformEventInput,
  type PlatformEventName,
  type Principal,
  type Role,
} from '@platform/contracts';
import { AmqpConnection, EventPublisher, silentLogger } from '@platform/messaging';
import { ServiceTestBed } from '@platform/testing';
import { recordingsService } from '../../src/service-definition';

export type RecordingsBed = ServiceTestBed<never, typeof recordingsContract>;

/** A signed-in member of `organizationId`, as the gateway puts them in the envelope. */
export function member(organizationId: string, roles: Role[], plan: PlanCode = 'FREE'): Principal {
  return {
    kind: 'user',
    userId: randomUUID(),
    organizationId,
    roles,
    scopes: [],
    apiKeyId: null,
    sessionId: randomUUID(),
    tokenId: randomUUID(),
    plan,
  };
}

export async function startRecordingsBed(env: Record<string, string> = {}): Promise<RecordingsBed> {
  return (await ServiceTestBed.start(recordingsService, {
    contract: recordingsContract,
    env,
  })) as unknown as RecordingsBed;
}

/** Publishes platform events on a vhost, as storage or the audio worker would. */
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

  publish<E extends PlatformEventName>(event: E, payload: PlatformEventInput<E>, id?: string) {
    return this.publisher.publishEvent(event, payload, id ? { id } : {});
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
