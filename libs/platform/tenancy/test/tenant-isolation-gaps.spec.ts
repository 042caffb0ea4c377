import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import { findTenantIsolationGaps, tenantRlsStatements } from '../src';

/** The catalogue check every service's suite runs on its migrated database. */
describe('findTenantIsolationGaps (generated from pg_class / pg_policy of a real database)', () => {
  let database: TestDatabase;
  let admin: Client;

  beforeEach(async () => {
    database = await createTestDatabase('rls_gaps');
    admin = new Client({ connectionString: database.url });
    await admin.connect();
  });

  afterEach(async () => {
    await admin.end();
    await database.drop();
  });

  const run = async (...statements: string[]) => {
    for (const statement of statements) await admin.query(statement);
  };

  it('passes tables isolated by the migration helper, and ignores tables without organization_id', async () => {
    await run(
      `CREATE TABLE invoices (id uuid PRIMARY KEY, organization_id uuid NOT NULL)`,
      `CREATE INDEX idx_invoices_organization ON invoices (organization_id)`,
      ...tenantRlsStatements('invoices'),
      // A composite key led by organization_id is an index on it too.
      `CREATE TABLE members (organization_id uuid NOT NULL, user_id uuid NOT NULL, PRIMARY KEY (organization_id, user_id))`,
      ...tenantRlsStatements('members'),
      `CREATE TABLE signing_keys (kid text PRIMARY KEY)`,
    );
    expect(await findTenantIsolationGaps(admin)).toEqual([]);
  });

  it('fails a table with organization_id and no policy, naming every problem', async () => {
    await run(
      `CREATE TABLE invoices (id uuid PRIMARY KEY, organization_id uuid NOT NULL)`,
      `CREATE INDEX idx_invoices_organization ON invoices (organization_id)`,
      ...tenantRlsStatements('invoices'),
      `CREATE TABLE leaky_notes (id uuid PRIMARY KEY, organization_id uuid NOT NULL)`,
    );
    expect(await findTenantIsolationGaps(admin)).toEqual([
      {
        table: 'leaky_notes',
        problems: [
          'row level security is not enabled',
          'row level security is not forced (the owner bypasses it)',
          'no tenant_isolation policy',
          'no index led by organization_id',
        ],
      },
    ]);
  });

  it('fails RLS that is not forced, a policy that does not read the tenant, a widening policy, a text column', async () => {
    await run(
      `CREATE TABLE not_forced (organization_id uuid NOT NULL PRIMARY KEY)`,
      `ALTER TABLE not_forced ENABLE ROW LEVEL SECURITY`,
      `CREATE POLICY tenant_isolation ON not_forced
         USING (organization_id = NULLIF(current_setting('app.organization_id', true), '')::uuid)
         WITH CHECK (organization_id = NULLIF(current_setting('app.organization_id', true), '')::uuid)`,
      `CREATE TABLE wrong_policy (organization_id uuid NOT NULL PRIMARY KEY)`,
      `ALTER TABLE wrong_policy ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE wrong_policy FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY tenant_isolation ON wrong_policy FOR SELECT USING (true)`,
      `CREATE TABLE widened (organization_id uuid NOT NULL PRIMARY KEY)`,
      ...tenantRlsStatements('widened'),
      `CREATE POLICY everyone_reads ON widened FOR SELECT USING (true)`,
      `CREATE TABLE text_tenant (organization_id text NOT NULL PRIMARY KEY)`,
      `ALTER TABLE text_tenant ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE text_tenant FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY tenant_isolation ON text_tenant
         USING (organization_id = current_setting('app.organization_id', true))
         WITH CHECK (organization_id = current_setting('app.organization_id', true))`,
    );
    expect(await findTenantIsolationGaps(admin)).toEqual([
      { table: 'not_forced', problems: ['row level security is not forced (the owner bypasses it)'] },
      {
        table: 'text_tenant',
        // A text column cannot carry the uuid predicate: its policy is another expression.
        problems: [
          'tenant_isolation USING does not read app.organization_id',
          'tenant_isolation WITH CHECK does not read app.organization_id',
          'organization_id is not uuid',
        ],
      },
      { table: 'widened', problems: ['permissive policy everyone_reads widens tenant_isolation'] },
      {
        table: 'wrong_policy',
        problems: [
          'tenant_isolation is not a permissive policy for ALL commands to PUBLIC',
          'tenant_isolation USING does not read app.organization_id',
          'tenant_isolation WITH CHECK does not read app.organization_id',
        ],
      },
    ]);
  });
});
