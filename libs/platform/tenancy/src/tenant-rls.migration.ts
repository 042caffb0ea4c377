import type { QueryRunner } from 'typeorm';
import { TENANT_POLICY_NAME, TENANT_PREDICATE } from './tenant-setting';

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function checkedTable(table: string): string {
  if (!TABLE_NAME.test(table)) throw new Error(`Unsupported table name "${table}"`);
  return table;
}

/**
 * The statements that make `table` tenant-owned: row-level security enabled AND forced (so the
 * owner is bound too), one policy for every command whose USING and WITH CHECK both require
 * `organization_id` to be the transaction's tenant. The table must already have an indexed
 * `organization_id uuid` column (the index is the migration's job: entities declare it).
 */
export function tenantRlsStatements(table: string): string[] {
  const name = checkedTable(table);
  return [
    `ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${name} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY ${TENANT_POLICY_NAME} ON ${name} USING (${TENANT_PREDICATE}) WITH CHECK (${TENANT_PREDICATE})`,
  ];
}

/** Use in a migration's `up`: `await enableTenantRls(queryRunner, 'invoices', 'payments')`. */
export async function enableTenantRls(queryRunner: QueryRunner, ...tables: string[]): Promise<void> {
  for (const table of tables) {
    for (const statement of tenantRlsStatements(table)) await queryRunner.query(statement);
  }
}

/** The matching `down`. */
export async function disableTenantRls(queryRunner: QueryRunner, ...tables: string[]): Promise<void> {
  for (const table of tables) {
    const name = checkedTable(table);
    await queryRunner.query(`DROP POLICY IF EXISTS ${TENANT_POLICY_NAME} ON ${name}`);
    await queryRunner.query(`ALTER TABLE ${name} NO FORCE ROW LEVEL SECURITY`);
    await queryRunner.query(`ALTER TABLE ${name} DISABLE ROW LEVEL SECURITY`);
  }
}
