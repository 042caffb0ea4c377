import {
  CreateMessagingTables1764000000000,
  OutboxEventEntity,
  ProcessedEventEntity,
} from '@platform/messaging';
import { schemaDrift } from '@platform/testing';
import { authEntities } from '../src/entities';
import { authMigrations } from '../src/migrations';

/**
 * Issue 7, point 7: auth's entities declare what its migrations create — foreign keys (@ForeignKey
 * with the constraint's name and ON DELETE), indexes (@Index with the index's name; the expression
 * indexes TypeORM cannot express are declared with `synchronize: false`) and CHECK constraints
 * (@Check) — so `migration:generate` or a test's `synchronize` would change nothing, and any new
 * difference (a column the migration lacks, a changed type, a dropped constraint) fails here.
 */
describe("auth's migrations against its entities (schema drift)", () => {
  it('migrating a fresh database leaves TypeORM nothing to change', async () => {
    const drift = await schemaDrift({
      // What ServiceCoreModule adds, then every entity the auth service registers.
      entities: [OutboxEventEntity, ProcessedEventEntity, ...authEntities],
      migrations: [CreateMessagingTables1764000000000, ...authMigrations],
    });
    expect(drift).toEqual([]);
  });
});
