import { connectedRoleBypassesRls, findTenantIsolationGaps, type Queryable } from './tenant-isolation-gaps';

// The judgement of the catalogue check, row by row, written out by hand. The catalogue query itself
// runs against real PostgreSQL in test/tenant-isolation-gaps.spec.ts.

const GOOD_EXPR =
  "(organization_id = (NULLIF(current_setting('app.organization_id'::text, true), ''::text))::uuid)";

const isolated = {
  table_name: 'recordings',
  is_uuid: true,
  indexed: true,
  rls_enabled: true,
  rls_forced: true,
  tenant_policy: GOOD_EXPR,
  tenant_check: GOOD_EXPR,
  tenant_policy_for_all: true,
  other_permissive: [] as string[],
};

function catalogue(rows: object[], asPgResult = false): Queryable & { calls: Array<[string, unknown[]?]> } {
  const calls: Array<[string, unknown[]?]> = [];
  return {
    calls,
    query: async (sql: string, parameters?: unknown[]) => {
      calls.push([sql, parameters]);
      return asPgResult ? { rows } : rows;
    },
  };
}

describe('findTenantIsolationGaps', () => {
  it('finds nothing wrong with an isolated table, and asks about the schema and the policy name', async () => {
    const db = catalogue([isolated]);
    expect(await findTenantIsolationGaps(db, 'billing')).toEqual([]);
    expect(db.calls[0][1]).toEqual(['billing', 'tenant_isolation']);
  });

  it('defaults to the public schema and reads pg Client results ({ rows }) too', async () => {
    const db = catalogue([{ ...isolated, rls_forced: false }], true);
    expect(await findTenantIsolationGaps(db)).toEqual([
      { table: 'recordings', problems: ['row level security is not forced (the owner bypasses it)'] },
    ]);
    expect(db.calls[0][1]).toEqual(['public', 'tenant_isolation']);
  });

  it.each([
    ['RLS off', { rls_enabled: false }, ['row level security is not enabled']],
    ['not forced', { rls_forced: false }, ['row level security is not forced (the owner bypasses it)']],
    [
      'no policy at all',
      { tenant_policy: null, tenant_check: null, tenant_policy_for_all: null },
      ['no tenant_isolation policy'],
    ],
    [
      'a policy for SELECT only (or restrictive, or to a role)',
      { tenant_policy_for_all: false },
      ['tenant_isolation is not a permissive policy for ALL commands to PUBLIC'],
    ],
    [
      'USING that does not read the setting',
      { tenant_policy: 'true' },
      ['tenant_isolation USING does not read app.organization_id'],
    ],
    [
      'USING that reads the setting but not the column',
      { tenant_policy: "current_setting('app.organization_id') IS NOT NULL" },
      ['tenant_isolation USING does not read app.organization_id'],
    ],
    [
      'USING that lets every tenant in when a tenant is set',
      {
        tenant_policy:
          "(organization_id = organization_id) AND current_setting('app.organization_id') IS NOT NULL",
      },
      ['tenant_isolation USING does not read app.organization_id'],
    ],
    ['USING written with other spacing', { tenant_policy: GOOD_EXPR.replace(/ /g, '\n  ') }, []],
    [
      'USING and WITH CHECK printed without any space, or with spaces inside the parentheses',
      {
        tenant_policy:
          "(organization_id=(NULLIF(current_setting('app.organization_id'::text,true),''::text))::uuid)",
        tenant_check:
          "( organization_id = ( NULLIF( current_setting( 'app.organization_id'::text, true ), ''::text ) )::uuid )",
      },
      [],
    ],
    [
      'a FOR ALL policy with neither USING nor WITH CHECK (CREATE POLICY tenant_isolation ON t)',
      { tenant_policy: null, tenant_check: null, tenant_policy_for_all: true },
      [
        'tenant_isolation USING does not read app.organization_id',
        'tenant_isolation WITH CHECK does not read app.organization_id',
      ],
    ],
    [
      'USING on the column but another setting',
      { tenant_policy: "organization_id = current_setting('app.other')::uuid" },
      ['tenant_isolation USING does not read app.organization_id'],
    ],
    [
      'no WITH CHECK',
      { tenant_check: null },
      ['tenant_isolation WITH CHECK does not read app.organization_id'],
    ],
    [
      'only WITH CHECK present',
      { tenant_policy: null, tenant_policy_for_all: false },
      [
        'tenant_isolation is not a permissive policy for ALL commands to PUBLIC',
        'tenant_isolation USING does not read app.organization_id',
      ],
    ],
    [
      'two other permissive policies',
      { other_permissive: ['admins_see_all', 'public_read'] },
      [
        'permissive policy admins_see_all widens tenant_isolation',
        'permissive policy public_read widens tenant_isolation',
      ],
    ],
    ['a text column', { is_uuid: false }, ['organization_id is not uuid']],
    ['no index', { indexed: false }, ['no index led by organization_id']],
  ])('%s', async (_case, change, problems) => {
    expect(await findTenantIsolationGaps(catalogue([{ ...isolated, ...change }]))).toEqual(
      problems.length ? [{ table: 'recordings', problems }] : [],
    );
  });

  it('lists every problem of a bare table in a fixed order, and keeps isolated tables out', async () => {
    const bare = {
      table_name: 'leaky',
      is_uuid: false,
      indexed: false,
      rls_enabled: false,
      rls_forced: false,
      tenant_policy: null,
      tenant_check: null,
      tenant_policy_for_all: null,
      other_permissive: ['open'],
    };
    expect(await findTenantIsolationGaps(catalogue([isolated, bare]))).toEqual([
      {
        table: 'leaky',
        problems: [
          'row level security is not enabled',
          'row level security is not forced (the owner bypasses it)',
          'no tenant_isolation policy',
          'permissive policy open widens tenant_isolation',
          'organization_id is not uuid',
          'no index led by organization_id',
        ],
      },
    ]);
  });
});

describe('connectedRoleBypassesRls', () => {
  it.each([true, false])('answers the catalogue flag (%s)', async (bypasses) => {
    expect(await connectedRoleBypassesRls(catalogue([{ bypasses }]))).toBe(bypasses);
  });
});
