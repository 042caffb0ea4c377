import type { Principal } from '@platform/contracts';
import { DomainError } from '@platform/errors';
import { announceSystemWork } from './system-work';
import { currentTenantManager, currentTenantScope, withTenantScope } from './tenant-context';
import { isUuid, TENANT_PREDICATE } from './tenant-setting';
import { runForPrincipal, runInTenant, tenantOfPrincipal } from './tenant-transaction';

// Pure rules of the tenancy lib, pinned by hand (the mutation gate runs this spec). What the rules
// do inside PostgreSQL is proven by test/tenant-isolation.spec.ts on a real database.

const ORG = '0a000000-0000-4000-8000-00000000000a';

function principal(overrides: Partial<Principal>): Principal {
  return {
    kind: 'user',
    userId: 'u',
    organizationId: ORG,
    roles: ['owner'],
    scopes: [],
    apiKeyId: null,
    ...overrides,
  };
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof DomainError ? error.code : `not a DomainError: ${(error as Error).message}`;
  }
  return undefined;
}

describe('tenantOfPrincipal: the tenant comes from the principal only', () => {
  it('answers the principal organization', () => {
    expect(tenantOfPrincipal(principal({}))).toBe(ORG);
  });
  it('refuses an anonymous caller as unauthenticated (401)', () => {
    expect(codeOf(() => tenantOfPrincipal(null))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => tenantOfPrincipal(undefined))).toBe('UNAUTHENTICATED');
  });
  it('refuses a principal without an organization as forbidden (403)', () => {
    expect(codeOf(() => tenantOfPrincipal(principal({ organizationId: null as unknown as string })))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(() => tenantOfPrincipal(principal({ organizationId: '' })))).toBe('FORBIDDEN');
  });
});

describe('isUuid', () => {
  it.each([
    [ORG, true],
    ['0A000000-0000-4000-8000-00000000000A', true],
    ['0a000000-0000-4000-8000-00000000000', false],
    ['0a000000-0000-4000-8000-00000000000aa', false],
    [` ${ORG}`, false],
    [`${ORG}\n`, false],
    [`x${ORG}`, false],
    ['0a000000000040008000-00000000000a-abcd', false],
    ['g0000000-0000-4000-8000-00000000000a', false],
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isUuid(value)).toBe(expected);
  });
});

describe('the tenant policy predicate', () => {
  it('reads the transaction-local setting, treating the empty string as no tenant', () => {
    expect(TENANT_PREDICATE).toBe(
      "organization_id = NULLIF(current_setting('app.organization_id', true), '')::uuid",
    );
  });
});

describe('runInTenant', () => {
  it('refuses a malformed organization id before opening any transaction', async () => {
    let opened = false;
    const dataSource = {
      transaction: async () => {
        opened = true;
      },
    } as never;
    await expect(runInTenant(dataSource, "x' OR true --", async () => 1)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(opened).toBe(false);
  });

  it('sets the tenant transaction-locally and exposes the manager to the work', async () => {
    const queries: Array<[string, unknown[]]> = [];
    const manager = { query: async (sql: string, params: unknown[]) => queries.push([sql, params]) };
    const dataSource = { transaction: async (work: (m: unknown) => unknown) => work(manager) } as never;
    const seen = await runInTenant(dataSource, ORG, async (m) => ({
      same: m === (manager as never),
      scope: currentTenantScope(),
      current: currentTenantManager(),
    }));
    expect(queries).toEqual([['SELECT set_config($1, $2, true)', ['app.organization_id', ORG]]]);
    expect(seen.same).toBe(true);
    expect(seen.scope).toEqual({ organizationId: ORG, manager });
    expect(seen.current).toBe(manager);
  });
});

describe('runForPrincipal', () => {
  function recordingDataSource() {
    const queries: Array<[string, unknown[]]> = [];
    const manager = { query: async (sql: string, params: unknown[]) => queries.push([sql, params]) };
    let opened = 0;
    const dataSource = {
      transaction: async (work: (m: unknown) => unknown) => {
        opened++;
        return work(manager);
      },
    } as never;
    return { dataSource, queries, opened: () => opened };
  }

  it("runs the work in the principal's organization and answers its result", async () => {
    const { dataSource, queries } = recordingDataSource();
    await expect(runForPrincipal(dataSource, principal({}), async () => 'done')).resolves.toBe('done');
    expect(queries).toEqual([['SELECT set_config($1, $2, true)', ['app.organization_id', ORG]]]);
  });

  it('refuses a caller without a principal or without an organization before opening a transaction', async () => {
    const { dataSource, opened } = recordingDataSource();
    await expect(runForPrincipal(dataSource, null, async () => 1)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(
      runForPrincipal(dataSource, principal({ organizationId: '' }), async () => 1),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(opened()).toBe(0);
  });
});

describe('currentTenantManager outside a transaction', () => {
  it('throws instead of letting a query run tenant-less', () => {
    expect(() => currentTenantManager()).toThrow(/No tenant transaction/);
    expect(currentTenantScope()).toBeUndefined();
  });
  it('is scoped to the async work it was given', async () => {
    const manager = {} as never;
    await withTenantScope({ organizationId: null, manager }, async () => {
      expect(currentTenantManager()).toBe(manager);
    });
    expect(currentTenantScope()).toBeUndefined();
  });
});

describe('announceSystemWork: every cross-tenant entry is named and logged', () => {
  it.each([
    'billing.invoices.close-month',
    'idempotency.purge-expired',
    'a.b',
    'payments.webhook.resolve-tenant',
  ])('accepts %j and logs it', (reason) => {
    const logged: Array<[object, string | undefined]> = [];
    announceSystemWork({ info: (obj, msg) => logged.push([obj, msg]) }, reason);
    expect(logged).toEqual([[{ tenancy: 'system', reason }, 'cross-tenant database work']]);
  });
  it.each(['', 'purge', 'Billing.close', '.a.b', 'a.', 'a..b', 'a.b ', ' a.b', 'a.B', '1a.b', 'a.b\nc'])(
    'refuses %j without logging',
    (reason) => {
      const logged: unknown[] = [];
      expect(() => announceSystemWork({ info: (obj) => logged.push(obj) }, reason)).toThrow(/dotted reason/);
      expect(logged).toEqual([]);
    },
  );
});
