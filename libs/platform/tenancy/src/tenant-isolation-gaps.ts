import { TENANT_POLICY_NAME, TENANT_SETTING } from './tenant-setting';

export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface TenantIsolationGap {
  table: string;
  problems: string[];
}

interface TenantTableRow {
  table_name: string;
  is_uuid: boolean;
  indexed: boolean;
  rls_enabled: boolean;
  rls_forced: boolean;
  tenant_policy: string | null;
  tenant_check: string | null;
  tenant_policy_for_all: boolean | null;
  other_permissive: string[];
}

/** TENANT_PREDICATE as pg_get_expr answers it (casts and parentheses added), spaces removed. */
const CANONICAL_TENANT_EXPRESSION = withoutSpaces(
  `(organization_id = (NULLIF(current_setting('${TENANT_SETTING}'::text, true), ''::text))::uuid)`,
);

function withoutSpaces(expression: string): string {
  return expression.replace(/\s+/g, '');
}

/** Rows of `query` whether the driver answers rows or `{ rows }` (pg Client). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Reads the database's own catalogue (pg_class, pg_attribute, pg_policy, pg_index) and lists every
 * table with an `organization_id` column that is not isolated: RLS off or not forced, no
 * `tenant_isolation` policy for all commands to PUBLIC whose USING and WITH CHECK read the tenant
 * setting, another permissive policy (permissive policies are OR-ed, so one would widen access),
 * a non-uuid column or no index led by `organization_id`. Empty = every tenant table is isolated.
 * Services call it in a test on their freshly migrated database.
 */
export async function findTenantIsolationGaps(
  database: Queryable,
  schema = 'public',
): Promise<TenantIsolationGap[]> {
  const rows = rowsOf<TenantTableRow>(
    await database.query(
      // Stryker disable next-line StringLiteral: the catalogue query is proven on real PostgreSQL (test/tenant-isolation-gaps.spec.ts); the mutation gate judges the rules below.
      `SELECT c.relname AS table_name,
              a.atttypid = 'uuid'::regtype AS is_uuid,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indkey[0] = a.attnum) AS indexed,
              c.relrowsecurity AS rls_enabled,
              c.relforcerowsecurity AS rls_forced,
              pg_get_expr(tp.polqual, tp.polrelid) AS tenant_policy,
              pg_get_expr(tp.polwithcheck, tp.polrelid) AS tenant_check,
              (tp.polcmd = '*' AND tp.polpermissive AND tp.polroles = '{0}') AS tenant_policy_for_all,
              ARRAY(SELECT p.polname::text FROM pg_policy p
                     WHERE p.polrelid = c.oid AND p.polpermissive AND p.polname <> $2
                     ORDER BY p.polname) AS other_permissive
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped
         LEFT JOIN pg_policy tp ON tp.polrelid = c.oid AND tp.polname = $2
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
        ORDER BY c.relname`,
      [schema, TENANT_POLICY_NAME],
    ),
  );
  // The policy must be exactly the tenant predicate (as PostgreSQL prints it back): a looser test such
  // as "mentions organization_id and the setting" passes `current_setting('app.organization_id') IS
  // NOT NULL`, which lets every tenant in.
  const readsTenant = (expression: string | null) =>
    !!expression && withoutSpaces(expression) === CANONICAL_TENANT_EXPRESSION;
  return rows
    .map((row) => {
      const problems: string[] = [];
      if (!row.rls_enabled) problems.push('row level security is not enabled');
      if (!row.rls_forced) problems.push('row level security is not forced (the owner bypasses it)');
      // tenant_policy_for_all is NULL exactly when the LEFT JOIN found no policy of that name; a policy
      // with neither USING nor WITH CHECK exists (PostgreSQL accepts one) and is judged below.
      if (row.tenant_policy_for_all === null) {
        problems.push(`no ${TENANT_POLICY_NAME} policy`);
      } else {
        if (!row.tenant_policy_for_all) {
          problems.push(`${TENANT_POLICY_NAME} is not a permissive policy for ALL commands to PUBLIC`);
        }
        if (!readsTenant(row.tenant_policy))
          problems.push(`${TENANT_POLICY_NAME} USING does not read ${TENANT_SETTING}`);
        if (!readsTenant(row.tenant_check)) {
          problems.push(`${TENANT_POLICY_NAME} WITH CHECK does not read ${TENANT_SETTING}`);
        }
      }
      for (const other of row.other_permissive) {
        problems.push(`permissive policy ${other} widens ${TENANT_POLICY_NAME}`);
      }
      if (!row.is_uuid) problems.push('organization_id is not uuid');
      if (!row.indexed) problems.push('no index led by organization_id');
      return { table: row.table_name, problems };
    })
    .filter((gap) => gap.problems.length > 0);
}

/**
 * The connected role's ability to bypass RLS (superuser or BYPASSRLS): must be false for the app
 * role, true for the system role.
 */
export async function connectedRoleBypassesRls(database: Queryable): Promise<boolean> {
  const [row] = rowsOf<{ bypasses: boolean }>(
    await database.query(
      // Stryker disable next-line StringLiteral: proven on real PostgreSQL (test/tenant-isolation.spec.ts).
      'SELECT (rolsuper OR rolbypassrls) AS bypasses FROM pg_roles WHERE rolname = current_user',
    ),
  );
  return row.bypasses;
}
