import {
  CreateMessagingTables1764000000000,
  OutboxEventEntity,
  ProcessedEventEntity,
} from '@platform/messaging';
import { schemaDrift } from '@platform/testing';
import { storageEntities } from '../src/entities';
import { storageMigrations } from '../src/migrations';

/** storage's entities declare exactly what its migrations create (any difference fails here). */
describe("storage's migrations against its entities (schema drift)", () => {
  it('migrating a fresh database leaves TypeORM nothing to change', async () => {
    const drift = await schemaDrift({
      entities: [OutboxEventEntity, ProcessedEventEntity, ...storageEntities],
      migrations: [CreateMessagingTables1764000000000, ...storageMigrations],
    });
    expect(drift).toEqual([]);
  });
});
