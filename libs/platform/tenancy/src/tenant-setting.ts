/** The transaction-local setting that carries the tenant; the RLS policies read it. */
export const TENANT_SETTING = 'app.organization_id';

/** The name every tenant-isolation policy has, so the catalogue check can recognize it. */
export const TENANT_POLICY_NAME = 'tenant_isolation';

/**
 * The policy's predicate. `NULLIF(..., '')`: once a session has used the setting, PostgreSQL
 * answers '' (not NULL) for it after the transaction ends, and `''::uuid` would make every query
 * of a tenant-less connection fail instead of seeing no rows.
 */
export const TENANT_PREDICATE = `organization_id = NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
