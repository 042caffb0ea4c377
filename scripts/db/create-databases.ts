/**
 * Creates the database of every service that owns one, and its two login roles (idempotent;
 * services migrate themselves at start). Run with `npx tsx scripts/db/create-databases.ts`.
 *
 *   POSTGRES_URL  admin connection (default postgres://postgres:postgres@localhost:5432/postgres)
 *
 * SERVICE_DATABASES is the single list of service -> database names; the launcher, the compose
 * init script and the Helm values follow it.
 */
import { Client } from 'pg';
import { ensureServiceRoles, serviceRoleNames } from '@platform/persistence';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres:postgres@localhost:5432/postgres';

/** Every service that owns a PostgreSQL database, and its name. The gateway has none. */
export const SERVICE_DATABASES = {
  auth: 'platform_auth',
  payments: 'platform_payments',
  recordings: 'platform_recordings',
  voice: 'platform_voice',
  storage: 'platform_storage',
  'audio-worker': 'platform_audio_worker',
  campaigns: 'platform_campaigns',
  analytics: 'platform_analytics',
} as const;

export type ServiceWithDatabase = keyof typeof SERVICE_DATABASES;

/** PostgreSQL error codes of a concurrent CREATE DATABASE of the same name. */
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid URL>';
  }
}

/** Creates each missing database; returns the names it created. */
export async function createDatabases(
  postgresUrl: string,
  databases: readonly string[] = Object.values(SERVICE_DATABASES),
): Promise<string[]> {
  const client = new Client({ connectionString: postgresUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `cannot connect to PostgreSQL at ${redact(postgresUrl)} (POSTGRES_URL): ${String(error)}`,
    );
  }
  const created: string[] = [];
  try {
    for (const name of databases) {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount) continue;
      try {
        await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
        created.push(name);
      } catch (error) {
        const code = (error as { code?: string }).code;
        // Another process created it between our check and our CREATE: that is fine.
        if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
      }
    }
  } finally {
    await client.end();
  }
  return created;
}

/**
 * Each database's `<db>_app` (NOBYPASSRLS: the service's queries, under row-level security) and
 * `<db>_system` (BYPASSRLS: the logged cross-tenant path) roles, granted data privileges on what the
 * admin role's migrations create. No password here: local PostgreSQL trusts; a deployment sets them.
 */
export async function createServiceRoles(
  postgresUrl: string,
  databases: readonly string[] = Object.values(SERVICE_DATABASES),
): Promise<void> {
  for (const database of databases) {
    const url = new URL(postgresUrl);
    url.pathname = `/${database}`;
    const names = serviceRoleNames(database);
    await ensureServiceRoles(url.toString(), { app: { name: names.app }, system: { name: names.system } });
  }
}

async function main(): Promise<void> {
  const url = process.env.POSTGRES_URL || DEFAULT_POSTGRES_URL;
  const created = await createDatabases(url);
  await createServiceRoles(url);
  const all = Object.values(SERVICE_DATABASES);
  console.log(
    created.length
      ? `[db] created ${created.join(', ')}; ${all.length - created.length} already existed`
      : `[db] all ${all.length} databases exist`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`[db] error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
