import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseOptions {
  url: string;
  /** Shown in pg_stat_activity: which service holds a connection. */
  applicationName: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
  /**
   * Who runs the migrations (the tables' owner), when it is not `url`'s role. With row-level
   * security, `url` is the service's app role (NOBYPASSRLS, no DDL) and this is the migrator.
   */
  migrationsUrl?: string;
}

/** A PostgreSQL DataSource with the platform's conventions. Schema changes come only from migrations. */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    applicationName: options.applicationName,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 },
  });
}

/** Arbitrary but fixed: every replica of every service takes the same lock key in its own database. */
const MIGRATION_LOCK_KEY = 7_251_004_113;

/**
 * Connects and applies pending migrations. Replicas starting together serialize on a PostgreSQL
 * advisory lock, so a migration never runs twice concurrently.
 */
export async function initializeDataSource(dataSource: DataSource): Promise<DataSource> {
  if (!dataSource.isInitialized) await dataSource.initialize();
  await runMigrationsLocked(dataSource);
  return dataSource;
}

/**
 * Migrates as the migrator role (`options.migrationsUrl`, on a short-lived DataSource), then
 * connects the service's own DataSource as `options.url`, which never runs DDL.
 */
export async function initializeServiceDataSource(options: DatabaseOptions): Promise<DataSource> {
  if (!options.migrationsUrl) return initializeDataSource(createDataSource(options));
  // Two connections: one holds the advisory lock while the migrations run on another.
  const migrator = createDataSource({ ...options, url: options.migrationsUrl, poolSize: 2 });
  await migrator.initialize();
  try {
    await runMigrationsLocked(migrator);
  } finally {
    await migrator.destroy();
  }
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  return dataSource;
}

async function runMigrationsLocked(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
