import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

/** The transaction a handler runs in: a tenant's (runInTenant) or the system's (runAsSystem). */
export interface TenantScope {
  /** null inside runAsSystem. */
  organizationId: string | null;
  manager: EntityManager;
}

const storage = new AsyncLocalStorage<TenantScope>();

export function withTenantScope<T>(scope: TenantScope, work: () => Promise<T>): Promise<T> {
  return storage.run(scope, work);
}

/**
 * The EntityManager of the transaction opened around the current handler, so services and
 * repositories deep in the call do not thread it by hand. Throws outside one: a query that would
 * run on a bare pool connection (no tenant, sees nothing) is a bug to surface, not to tolerate.
 */
export function currentTenantManager(): EntityManager {
  const scope = storage.getStore();
  if (!scope) {
    throw new Error('No tenant transaction: run this inside runInTenant/runForPrincipal or runAsSystem');
  }
  return scope.manager;
}

export function currentTenantScope(): TenantScope | undefined {
  return storage.getStore();
}
