import type { DataSource } from 'typeorm';
import { withTenantScope } from './tenant-context';
import type { TenantWork } from './tenant-transaction';
import { announceSystemWork, type TenancyLogger } from './system-work';

/**
 * The ONE way to touch several tenants' rows (scheduled jobs, webhooks before their tenant is
 * known, retention sweeps). It runs on the system DataSource, connected as the database's BYPASSRLS
 * role (a separate pool: nothing on the app pool can switch to it), and logs the named reason, so
 * every cross-tenant access is visible in code review and in the logs.
 */
export async function runAsSystem<T>(
  systemDataSource: DataSource,
  logger: TenancyLogger,
  reason: string,
  work: TenantWork<T>,
): Promise<T> {
  announceSystemWork(logger, reason);
  return systemDataSource.transaction((manager) =>
    withTenantScope({ organizationId: null, manager }, () => work(manager)),
  );
}
