import { Client } from 'pg';

/** A login role a service connects as. The password is optional only where pg_hba trusts. */
export interface RoleCredentials {
  name: string;
  password?: string;
}

export interface ServiceRoles {
  /**
   * The role every request's queries run as: NOSUPERUSER NOBYPASSRLS, owns nothing, gets only
   * SELECT/INSERT/UPDATE/DELETE. Row-level security therefore always applies to it.
   */
  app: RoleCredentials;
  /**
   * The role of the one explicit cross-tenant path (`runAsSystem`): BYPASSRLS but not superuser,
   * same table privileges as `app`. Its own pool, so no statement on the app pool can switch to it.
   */
  system: RoleCredentials;
  /**
   * The role that runs the migrations and therefore owns the tables (default: the admin URL's
   * user). Tables it creates later are granted to `app` and `system` through default privileges.
   */
  migrator?: string;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function identifier(name: string): string {
  if (!ROLE_NAME.test(name)) throw new Error(`Unsupported role or database name "${name}"`);
  return `"${name}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** PostgreSQL error codes of a concurrent CREATE ROLE of the same name. */
const DUPLICATE_OBJECT = '42710';
const UNIQUE_VIOLATION = '23505';

async function upsertLoginRole(client: Client, role: RoleCredentials, bypassRls: boolean): Promise<void> {
  // Attributes are restated on every run: a role someone widened by hand is narrowed back.
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION ${bypassRls ? 'BYPASSRLS' : 'NOBYPASSRLS'}`;
  const password = role.password === undefined ? '' : ` PASSWORD ${literal(role.password)}`;
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
  if (!rowCount) {
    try {
      await client.query(`CREATE ROLE ${identifier(role.name)} ${attributes}${password}`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== DUPLICATE_OBJECT && code !== UNIQUE_VIOLATION) throw error;
    }
  }
  await client.query(`ALTER ROLE ${identifier(role.name)} ${attributes}${password}`);
}

/**
 * Creates (or re-asserts) the login roles of one service database and their privileges. Run by the
 * database bootstrap as an admin, before and/or after migrations: idempotent. `adminUrl` points at
 * the service's database (privileges are per database).
 */
export async function ensureServiceRoles(adminUrl: string, roles: ServiceRoles): Promise<void> {
  const database = decodeURIComponent(new URL(adminUrl).pathname.replace(/^\//, ''));
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const migrator = roles.migrator ?? (await client.query('SELECT current_user AS name')).rows[0].name;
    await upsertLoginRole(client, roles.app, false);
    await upsertLoginRole(client, roles.system, true);
    const grantees = `${identifier(roles.app.name)}, ${identifier(roles.system.name)}`;
    const statements = [
      `GRANT CONNECT ON DATABASE ${identifier(database)} TO ${grantees}`,
      `GRANT USAGE ON SCHEMA public TO ${grantees}`,
      // Data only: no TRUNCATE (it ignores RLS), no REFERENCES/TRIGGER, no DDL.
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${grantees}`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${grantees}`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${identifier(migrator)} IN SCHEMA public
         GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${grantees}`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${identifier(migrator)} IN SCHEMA public
         GRANT USAGE, SELECT ON SEQUENCES TO ${grantees}`,
      // The migrations' bookkeeping stays the migrator's business.
      `DO $$ BEGIN
         IF to_regclass('public.migrations') IS NOT NULL THEN
           REVOKE INSERT, UPDATE, DELETE ON public.migrations FROM ${grantees};
         END IF;
       END $$`,
    ];
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The conventional role names of a service database: `<database>_app` and `<database>_system`. */
export function serviceRoleNames(database: string): { app: string; system: string } {
  return { app: `${database}_app`, system: `${database}_system` };
}

/** `url` with another user (and password), e.g. the app role's URL from the admin URL. */
export function urlForRole(url: string, role: RoleCredentials): string {
  const target = new URL(url);
  target.username = encodeURIComponent(role.name);
  target.password = role.password === undefined ? '' : encodeURIComponent(role.password);
  return target.toString();
}
