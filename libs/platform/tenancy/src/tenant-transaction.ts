import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '@platform/contracts';
import { ForbiddenError, UnauthenticatedError } from '@platform/errors';
import { withTenantScope } from './tenant-context';
import { isUuid, TENANT_SETTING } from './tenant-setting';

export type TenantWork<T> = (manager: EntityManager) => Promise<T>;

/**
 * Runs `work` in one transaction whose tenant is `organizationId`: every query through `manager`
 * sees and writes only that organization's rows of the RLS tables. The setting is transaction-local
 * (`set_config(..., true)` = SET LOCAL), so the pooled connection goes back to the pool tenant-less
 * on commit AND on rollback.
 */
export async function runInTenant<T>(
  dataSource: DataSource,
  organizationId: string,
  work: TenantWork<T>,
): Promise<T> {
  // Checked here, not by the policy's cast: a malformed id must fail before any work starts.
  if (!isUuid(organizationId)) throw new ForbiddenError('The organization id is not valid');
  return dataSource.transaction(async (manager) => {
    await manager.query('SELECT set_config($1, $2, true)', [TENANT_SETTING, organizationId]);
    return withTenantScope({ organizationId, manager }, () => work(manager));
  });
}

/**
 * The tenant of an RPC or event: the envelope's principal, NEVER anything from `data`. A caller
 * without an organization (anonymous, system) has no tenant here; system work goes through
 * `runAsSystem` with a reason instead.
 */
export function tenantOfPrincipal(principal: Principal | null | undefined): string {
  if (!principal) throw new UnauthenticatedError();
  if (!principal.organizationId) throw new ForbiddenError('This operation needs an organization');
  return principal.organizationId;
}

/** `runInTenant` for the envelope's principal: what the handler layer (interceptor) calls. */
export async function runForPrincipal<T>(
  dataSource: DataSource,
  principal: Principal | null | undefined,
  work: TenantWork<T>,
): Promise<T> {
  return runInTenant(dataSource, tenantOfPrincipal(principal), work);
}
