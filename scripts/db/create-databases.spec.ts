import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, infraUrls } from '@platform/testing';
import { createServiceRoles, SERVICE_DATABASES } from './create-databases';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('SERVICE_DATABASES', () => {
  it('names one platform_<service> database per service but the gateway', () => {
    for (const [service, database] of Object.entries(SERVICE_DATABASES)) {
      expect(database).toBe(`platform_${service.replace(/-/g, '_')}`);
    }
    expect(Object.keys(SERVICE_DATABASES)).not.toContain('gateway');
    expect(Object.keys(SERVICE_DATABASES)).toHaveLength(8);
  });

  it('matches the databases the compose PostgreSQL creates on its first start', () => {
    const sql = readFileSync(
      path.join(repoRoot, 'deploy/compose/postgres-init/01-create-databases.sql'),
      'utf8',
    );
    const created = [...sql.matchAll(/^CREATE DATABASE (\w+);$/gm)].map((m) => m[1]);
    expect(created).toEqual(Object.values(SERVICE_DATABASES));
  });
});

describe('createServiceRoles (real PostgreSQL)', () => {
  it('gives a database an app role that cannot bypass RLS and a system role that can, neither superuser', async () => {
    const database = await createTestDatabase('roles');
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      await createServiceRoles(infraUrls().postgres, [database.name]);
      const { rows } = await admin.query(
        `SELECT rolname, rolsuper, rolbypassrls, rolcanlogin, rolcreaterole, rolcreatedb
           FROM pg_roles WHERE rolname IN ($1, $2) ORDER BY rolname`,
        [`${database.name}_app`, `${database.name}_system`],
      );
      expect(rows).toEqual([
        {
          rolname: `${database.name}_app`,
          rolsuper: false,
          rolbypassrls: false,
          rolcanlogin: true,
          rolcreaterole: false,
          rolcreatedb: false,
        },
        {
          rolname: `${database.name}_system`,
          rolsuper: false,
          rolbypassrls: true,
          rolcanlogin: true,
          rolcreaterole: false,
          rolcreatedb: false,
        },
      ]);
      // Tables the admin (migrator) creates afterwards are readable by the app role, not alterable.
      await admin.query(`CREATE TABLE things (id int PRIMARY KEY)`);
      const { rows: privileges } = await admin.query(
        `SELECT has_table_privilege($1, 'things', 'SELECT, INSERT, UPDATE, DELETE') AS data,
                has_table_privilege($1, 'things', 'TRUNCATE') AS truncate`,
        [`${database.name}_app`],
      );
      expect(privileges).toEqual([{ data: true, truncate: false }]);
    } finally {
      await admin.end();
      await database.drop();
    }
  });
});
