import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_PRINCIPAL, type Principal } from '@platform/contracts';
import { createDataSource, initializeDataSource } from '@platform/persistence';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import {
  connectedRoleBypassesRls,
  currentTenantManager,
  enableTenantRls,
  runAsSystem,
  runForPrincipal,
  readInTenant,
  runInTenant,
  TenantDatabase,
} from '../src';

const ORG_A = '0a000000-0000-4000-8000-00000000000a';
const ORG_B = '0b000000-0000-4000-8000-00000000000b';

class CreateNotes1700000000000 implements MigrationInterface {
  name = 'CreateNotes1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE notes (
      id text PRIMARY KEY,
      organization_id uuid NOT NULL,
      body text NOT NULL)`);
    await queryRunner.query(`CREATE INDEX idx_notes_organization ON notes (organization_id)`);
    await enableTenantRls(queryRunner, 'notes');
  }
  async down(): Promise<void> {}
}

function principalOf(organizationId: string | null): Principal {
  return {
    kind: 'user',
    userId: '0c000000-0000-4000-8000-00000000000c',
    organizationId,
    roles: ['owner'],
    scopes: [],
    apiKeyId: null,
  };
}

describe('tenant isolation by PostgreSQL row-level security (real PostgreSQL, app role)', () => {
  let database: TestDatabase;
  let admin: DataSource;
  let app: DataSource;
  let system: DataSource;
  const logged: { obj: object; msg?: string }[] = [];
  const logger = { info: (obj: object, msg?: string) => logged.push({ obj, msg }) };

  const bodiesAsAdmin = async () =>
    (await admin.query(`SELECT id, organization_id, body FROM notes ORDER BY id`)) as unknown[];

  beforeAll(async () => {
    database = await createTestDatabase('tenancy');
    admin = await initializeDataSource(
      createDataSource({
        url: database.url,
        applicationName: 'tenancy-admin',
        entities: [],
        migrations: [CreateNotes1700000000000],
      }),
    );
    // One connection: the "next request" necessarily reuses the previous request's connection.
    app = await new DataSource({ type: 'postgres', url: database.appUrl, extra: { max: 1 } }).initialize();
    system = await new DataSource({
      type: 'postgres',
      url: database.systemUrl,
      extra: { max: 1 },
    }).initialize();
  });

  afterAll(async () => {
    await Promise.all([app?.destroy(), system?.destroy(), admin?.destroy()]);
    await database?.drop();
  });

  beforeEach(async () => {
    logged.length = 0;
    await admin.query(`DELETE FROM notes`);
    await admin.query(
      `INSERT INTO notes (id, organization_id, body) VALUES
      ('a1', $1, 'alpha one'), ('a2', $1, 'alpha two'), ('b1', $2, 'beta one'), ('b2', $2, 'beta two')`,
      [ORG_A, ORG_B],
    );
  });

  it('connects the app role without any way around RLS, and the system role with one', async () => {
    expect(await connectedRoleBypassesRls(app)).toBe(false);
    expect(await connectedRoleBypassesRls(system)).toBe(true);
  });

  it('a query without a tenant sees no rows and cannot insert', async () => {
    expect(await app.query(`SELECT id FROM notes`)).toEqual([]);
    await expect(
      app.query(`INSERT INTO notes (id, organization_id, body) VALUES ('x', $1, 'no tenant')`, [ORG_A]),
    ).rejects.toMatchObject({ driverError: { code: '42501' } });
  });

  it('tenant A selects only its own rows, even when asking for B by id', async () => {
    const rows = await runInTenant(app, ORG_A, (manager) =>
      manager.query(`SELECT id FROM notes ORDER BY id`),
    );
    expect(rows).toEqual([{ id: 'a1' }, { id: 'a2' }]);
    const beta = await runInTenant(app, ORG_A, (manager) =>
      manager.query(`SELECT id FROM notes WHERE organization_id = $1`, [ORG_B]),
    );
    expect(beta).toEqual([]);
  });

  it("tenant A's unscoped UPDATE and DELETE touch only A's rows", async () => {
    await runInTenant(app, ORG_A, async (manager) => {
      await manager.query(`UPDATE notes SET body = 'changed'`);
      await manager.query(`DELETE FROM notes WHERE id IN ('a2', 'b2')`);
    });
    expect(await bodiesAsAdmin()).toEqual([
      { id: 'a1', organization_id: ORG_A, body: 'changed' },
      { id: 'b1', organization_id: ORG_B, body: 'beta one' },
      { id: 'b2', organization_id: ORG_B, body: 'beta two' },
    ]);
  });

  it("WITH CHECK refuses tenant A inserting a row with B's id or moving a row to B", async () => {
    await expect(
      runInTenant(app, ORG_A, (manager) =>
        manager.query(`INSERT INTO notes (id, organization_id, body) VALUES ('a3', $1, 'smuggled')`, [ORG_B]),
      ),
    ).rejects.toMatchObject({ driverError: { code: '42501' } });
    await expect(
      runInTenant(app, ORG_A, (manager) =>
        manager.query(`UPDATE notes SET organization_id = $1 WHERE id = 'a1'`, [ORG_B]),
      ),
    ).rejects.toMatchObject({ driverError: { code: '42501' } });
    expect((await bodiesAsAdmin()).length).toBe(4);
  });

  it('a pooled connection carries no tenant after a committed or a rolled-back tenant transaction', async () => {
    await runInTenant(app, ORG_A, (manager) => manager.query(`SELECT 1`));
    expect(await app.query(`SELECT current_setting('app.organization_id', true) AS tenant`)).toEqual([
      { tenant: '' },
    ]);
    expect(await app.query(`SELECT id FROM notes`)).toEqual([]);

    await expect(
      runInTenant(app, ORG_B, async () => {
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await app.query(`SELECT id FROM notes`)).toEqual([]);
  });

  it("takes the tenant from the envelope's principal, and refuses a principal without one", async () => {
    const rows = await runForPrincipal(app, principalOf(ORG_B), (manager) =>
      manager.query(`SELECT id FROM notes ORDER BY id`),
    );
    expect(rows).toEqual([{ id: 'b1' }, { id: 'b2' }]);
    await expect(runForPrincipal(app, principalOf(null), async () => 'ran')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(runForPrincipal(app, SYSTEM_PRINCIPAL, async () => 'ran')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(runForPrincipal(app, null, async () => 'ran')).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(runInTenant(app, "' OR true --", async () => 'ran')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('crosses tenants only through runAsSystem, which logs its reason', async () => {
    const rows = await runAsSystem(system, logger, 'notes.retention.sweep', (manager) =>
      manager.query(`SELECT id FROM notes ORDER BY id`),
    );
    expect(rows).toEqual([{ id: 'a1' }, { id: 'a2' }, { id: 'b1' }, { id: 'b2' }]);
    expect(logged).toEqual([
      { obj: { tenancy: 'system', reason: 'notes.retention.sweep' }, msg: 'cross-tenant database work' },
    ]);
    await expect(runAsSystem(system, logger, '', async () => 'ran')).rejects.toThrow(/reason/);
  });

  it("exposes the handler's transaction to code deep in the call, and nothing outside one", async () => {
    const countDeepInAService = async () =>
      (await currentTenantManager().query(`SELECT count(*)::int AS n FROM notes`)) as unknown[];
    expect(await runInTenant(app, ORG_B, () => countDeepInAService())).toEqual([{ n: 2 }]);
    expect(await runAsSystem(system, logger, 'notes.count.all', () => countDeepInAService())).toEqual([
      { n: 4 },
    ]);
    expect(() => currentTenantManager()).toThrow(/No tenant transaction/);
  });

  it('TenantDatabase refuses an app connection that bypasses RLS, or a system one that cannot', async () => {
    await expect(new TenantDatabase(app, system, logger).onModuleInit()).resolves.toBeUndefined();
    await expect(new TenantDatabase(admin, system, logger).onModuleInit()).rejects.toThrow(
      /bypasses row-level security/,
    );
    await expect(new TenantDatabase(app, app, logger).onModuleInit()).rejects.toThrow(/without BYPASSRLS/);
    const tenants = new TenantDatabase(app, system, logger);
    expect(
      await tenants.runInTenant(ORG_A, (manager) => manager.query(`SELECT count(*)::int AS n FROM notes`)),
    ).toEqual([{ n: 2 }]);
  });
  describe('readInTenant (one round trip)', () => {
    it("sees only the tenant's rows, even when asking for another tenant's by id", async () => {
      expect(await readInTenant(app, ORG_A, `SELECT id FROM notes ORDER BY id`, [])).toEqual([
        { id: 'a1' },
        { id: 'a2' },
      ]);
      expect(
        await readInTenant(app, ORG_A, `SELECT id FROM notes WHERE organization_id = $1`, [ORG_B]),
      ).toEqual([]);
      expect(await readInTenant(app, ORG_B, `SELECT id, body FROM notes WHERE id = $1`, ['b2'])).toEqual([
        { id: 'b2', body: 'beta two' },
      ]);
    });

    it('binds values as literals: quotes and backslashes are data, never SQL', async () => {
      await admin.query(`INSERT INTO notes (id, organization_id, body) VALUES ($1, $2, 'tricky')`, [
        "a'; DELETE FROM notes; --\\",
        ORG_A,
      ]);
      expect(
        await readInTenant(app, ORG_A, `SELECT body FROM notes WHERE id = $1`, [
          "a'; DELETE FROM notes; --\\",
        ]),
      ).toEqual([{ body: 'tricky' }]);
      expect((await bodiesAsAdmin()).length).toBe(5);
    });

    it('leaves the pooled connection tenant-less, after a result and after an error', async () => {
      await readInTenant(app, ORG_A, `SELECT id FROM notes`, []);
      expect(await app.query(`SELECT current_setting('app.organization_id', true) AS tenant`)).toEqual([
        { tenant: '' },
      ]);
      await expect(readInTenant(app, ORG_A, `SELECT no_such_column FROM notes`, [])).rejects.toThrow(
        /no_such_column/,
      );
      expect(await app.query(`SELECT id FROM notes`)).toEqual([]);
    });

    it('refuses a malformed organization id before touching the database', async () => {
      await expect(readInTenant(app, "x' OR true --", `SELECT id FROM notes`, [])).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    });

    it('TenantDatabase.readInTenant joins an open transaction of the same tenant', async () => {
      const tenants = new TenantDatabase(app, system, logger);
      const seen = await tenants.runInTenant(ORG_A, async (manager) => {
        await manager.query(`UPDATE notes SET body = 'uncommitted' WHERE id = 'a1'`);
        return tenants.readInTenant(ORG_A, `SELECT body FROM notes WHERE id = $1`, ['a1']);
      });
      // Only the open transaction could see its own uncommitted write (and the pool has one connection).
      expect(seen).toEqual([{ body: 'uncommitted' }]);
    });
  });
});
