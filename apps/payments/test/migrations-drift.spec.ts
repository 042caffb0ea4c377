import {
  CreateMessagingTables1764000000000,
  OutboxEventEntity,
  ProcessedEventEntity,
} from '@platform/messaging';
import { schemaDrift } from '@platform/testing';
import { paymentsEntities } from '../src/entities';
import { paymentsMigrations } from '../src/migrations';

/** Payments' entities declare exactly what its migrations create (indexes, checks, columns). */
describe("payments' migrations against its entities (schema drift)", () => {
  it('migrating a fresh database leaves TypeORM nothing to change', async () => {
    const drift = await schemaDrift({
      entities: [OutboxEventEntity, ProcessedEventEntity, ...paymentsEntities],
      migrations: [CreateMessagingTables1764000000000, ...paymentsMigrations],
    });
    expect(drift).toEqual([]);
  });
});
