import {
  CreateMessagingTables1764000000000,
  OutboxEventEntity,
  ProcessedEventEntity,
} from '@platform/messaging';
import { schemaDrift } from '@platform/testing';
import { recordingsEntities } from '../src/entities';
import { recordingsMigrations } from '../src/migrations';

/** recordings' entities declare what its migrations create: nothing left for TypeORM to change. */
describe("recordings' migrations against its entities (schema drift)", () => {
  it('migrating a fresh database leaves TypeORM nothing to change', async () => {
    const drift = await schemaDrift({
      entities: [OutboxEventEntity, ProcessedEventEntity, ...recordingsEntities],
      migrations: [CreateMessagingTables1764000000000, ...recordingsMigrations],
    });
    expect(drift).toEqual([]);
  });
});
