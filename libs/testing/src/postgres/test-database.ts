import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureServiceRoles, serviceRoleNames, urlForRole } from '@platform/persistence';
import { infraUrls } from '../infra/infra-urls';
import { uniqueName } from '../infra/unique-name';

export interface TestDatabase {
  name: string;
  /** The admin (superuser) URL: migrations, fixtures. It BYPASSES row-level security. */
  url: string;
  /**
   * The service's app role (NOSUPERUSER NOBYPASSRLS, data privileges only), as production
   * connects: queries through it are subject to row-level security.
   */
  appUrl: string;
  /** The BYPASSRLS role of the explicit cross-tenant path (`runAsSystem`). */
  systemUrl: string;
  /**
   * Re-grants the app and system roles on every table (needed only for tables created by a role
   * other than the admin one; the admin's tables are granted by default privileges).
   */
  grantRoles(): Promise<void>;
  drop(): Promise<void>;
}

/**
 * A service's database env on `database`, as the launcher derives it: queries as the app role (under
 * RLS), migrations as the owner, cross-tenant work (`runAsSystem`) as the system role.
 */
export function databaseEnv(database: TestDatabase): Record<string, string> {
  return {
    DATABASE_URL: database.appUrl,
    DATABASE_MIGRATIONS_URL: database.url,
    DATABASE_SYSTEM_URL: database.systemUrl,
  };
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: infraUrls().postgres });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database for one suite, with its own app and system roles (passwords included,
 * so it works where pg_hba asks for one); `drop()` removes it and its roles even with connections
 * still open.
 */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const name = uniqueName(`t_${prefix}`);
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(infraUrls().postgres);
  url.pathname = `/${name}`;
  const names = serviceRoleNames(name);
  const app = { name: names.app, password: randomBytes(12).toString('hex') };
  const system = { name: names.system, password: randomBytes(12).toString('hex') };
  const grantRoles = () => ensureServiceRoles(url.toString(), { app, system });
  await grantRoles();
  return {
    name,
    url: url.toString(),
    appUrl: urlForRole(url.toString(), app),
    systemUrl: urlForRole(url.toString(), system),
    grantRoles,
    drop: () =>
      withAdmin(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        // Their privileges lived in the dropped database, so nothing else depends on them.
        await client.query(`DROP ROLE IF EXISTS "${app.name}"`);
        await client.query(`DROP ROLE IF EXISTS "${system.name}"`);
      }),
  };
}
