import type { EntitySchema, MixedList } from 'typeorm';
import { createDataSource, initializeDataSource } from '@platform/persistence';
import { createTestDatabase } from './test-database';

export interface SchemaDriftOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * Migrates a fresh database with a service's migrations, then asks TypeORM what it would change to
 * match the service's entities (`createSchemaBuilder().log()`, the `migration:generate` diff).
 * Returns those SQL statements: empty = the migrations create exactly what the entities describe.
 * Tables without an entity (ledgers written with raw SQL) are not compared.
 */
export async function schemaDrift(options: SchemaDriftOptions): Promise<string[]> {
  const database = await createTestDatabase('drift');
  const dataSource = createDataSource({
    url: database.url,
    applicationName: 'schema-drift',
    entities: options.entities,
    migrations: options.migrations,
  });
  try {
    await initializeDataSource(dataSource);
    const diff = await dataSource.driver.createSchemaBuilder().log();
    return diff.upQueries.map((query) => query.query.replace(/\s+/g, ' ').trim());
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  }
}
