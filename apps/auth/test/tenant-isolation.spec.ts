import { DataSource } from 'typeorm';
import { SYSTEM_PRINCIPAL } from '@platform/contracts';
import { connectedRoleBypassesRls, findTenantIsolationGaps, runInTenant } from '@platform/tenancy';
import { AuthTestApp, type TestAccount } from './support/auth-test-app';

/**
 * Auth's tenant-owned tables, written out by reading its migrations and the idempotency lib's
 * (every `organization_id`).
 */
const TENANT_TABLES = [
  'api_keys',
  'idempotency_keys',
  'invitations',
  'memberships',
  'organization_code_mails',
  'organization_codes',
  'sessions',
];
/** The ones each organization of this suite has rows in (codes: only A's, issued below). */
const ROWS_PER_ORGANIZATION = ['api_keys', 'invitations', 'memberships', 'sessions'];

/**
 * Issue 7, point 3: auth's tenant tables are isolated by PostgreSQL, not by each query remembering
 * `organization_id`. Queries below go through the app role — the role the service itself connects
 * as — and deliberately have NO organization filter.
 */
describe("auth's tenant tables under forced row-level security", () => {
  let auth: AuthTestApp;
  let appRole: DataSource;
  let a: TestAccount;
  let b: TestAccount;

  beforeAll(async () => {
    auth = await AuthTestApp.start();
    appRole = await new DataSource({ type: 'postgres', url: auth.database.appUrl }).initialize();
    [a, b] = [await auth.register(), await auth.register()];
    for (const account of [a, b]) {
      await auth.setPlan(account.organizationId, 'STARTER'); // room for the invitation
      await auth.markEmailVerified(account.userId);
      await auth.call('auth.api-key.create', { name: 'ci', scopes: [] }, account.principal);
      await auth.call(
        'auth.invitation.create',
        { email: `invitee-${account.userId.slice(0, 8)}@example.test`, role: 'viewer' },
        account.principal,
      );
    }
    await auth.call(
      'auth.organization-code.issue',
      { plan: 'STARTER', organizationId: a.organizationId },
      SYSTEM_PRINCIPAL,
    );
  }, 60_000);

  afterAll(async () => {
    await appRole?.destroy();
    await auth?.stop();
  });

  const organizationsIn = async (
    query: (sql: string) => Promise<{ organization_id: string }[]>,
    table: string,
  ) =>
    (await query(`SELECT DISTINCT organization_id FROM ${table} ORDER BY organization_id`)).map(
      (row) => row.organization_id,
    );

  it('has no tenant table without forced RLS and its policy (read from the catalogue)', async () => {
    expect(await findTenantIsolationGaps(auth.dataSource)).toEqual([]);
    const forced: { relname: string }[] = await auth.dataSource.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity AND c.relforcerowsecurity
        ORDER BY c.relname`,
    );
    expect(forced.map((row) => row.relname)).toEqual(TENANT_TABLES);
  });

  it('runs the service as the app role, which cannot bypass RLS', async () => {
    const service = auth.service.app.get(DataSource);
    const [{ role }] = (await service.query('SELECT current_user AS role')) as { role: string }[];
    expect(role).toBe(`${auth.database.name}_app`);
    expect(await connectedRoleBypassesRls(service)).toBe(false);
  });

  it("shows tenant A only A's rows even when a query forgets the organization filter", async () => {
    for (const table of ROWS_PER_ORGANIZATION) {
      // Both organizations have rows (seen by the superuser, which bypasses RLS)...
      expect(await organizationsIn((sql) => auth.dataSource.query(sql), table)).toEqual(
        [a.organizationId, b.organizationId].sort(),
      );
      // ...but A's transaction sees A's only, B's B's only.
      for (const account of [a, b]) {
        const seen = await runInTenant(appRole, account.organizationId, (manager) =>
          organizationsIn((sql) => manager.query(sql), table),
        );
        expect({ table, seen }).toEqual({ table, seen: [account.organizationId] });
      }
    }
    const codes = (organizationId: string) =>
      runInTenant(appRole, organizationId, (manager) =>
        organizationsIn((sql) => manager.query(sql), 'organization_codes'),
      );
    expect(await codes(a.organizationId)).toEqual([a.organizationId]);
    expect(await codes(b.organizationId)).toEqual([]);
  });

  it('lets a query without a tenant see no rows, and write none', async () => {
    for (const table of TENANT_TABLES) {
      const [{ count }] = (await appRole.query(`SELECT count(*)::int AS count FROM ${table}`)) as {
        count: number;
      }[];
      expect({ table, count }).toEqual({ table, count: 0 });
    }
    await expect(
      appRole.query(`UPDATE api_keys SET name = 'taken' RETURNING id`).then((rows: unknown[]) => rows),
    ).resolves.toEqual([[], 0]);
    await expect(
      appRole.query(`INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'owner')`, [
        a.organizationId,
        b.userId,
      ]),
    ).rejects.toMatchObject({ driverError: { code: '42501' } });
  });

  it("refuses a row of another tenant written inside a tenant's transaction (WITH CHECK)", async () => {
    await expect(
      runInTenant(appRole, a.organizationId, (manager) =>
        manager.query(`INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'owner')`, [
          b.organizationId,
          a.userId,
        ]),
      ),
    ).rejects.toMatchObject({ driverError: { code: '42501' } });
  });
});
