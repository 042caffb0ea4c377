import type { DataSource } from 'typeorm';
import { withTenantScope } from './tenant-context';
import type { TenantWork } from './tenant-transaction';

/** The slice of a pino logger the tenancy lib needs. */
export interface TenancyLogger {
  info(obj: object, msg?: string): void;
}

/** Short, greppable names: `idempotency.purge-expired`, `payments.webhook.resolve-tenant`. */
const REASON = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;

/** Checks the reason's shape and logs it: every entry into the system path, joined or not. */
export function announceSystemWork(logger: TenancyLogger, reason: string): void {
  if (!REASON.test(reason)) {
    throw new Error(`runAsSystem needs a dotted reason like "billing.invoices.close-month", got "${reason}"`);
  }
  logger.info({ tenancy: 'system', reason }, 'cross-tenant database work');
}

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
