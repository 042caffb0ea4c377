import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '@platform/contracts';
import { runAsSystem } from './system-transaction';
import { announceSystemWork, type TenancyLogger } from './system-work';
import { currentTenantManager, currentTenantScope } from './tenant-context';
import { connectedRoleBypassesRls } from './tenant-isolation-gaps';
import type { QueryResultRow } from 'pg';
import { readInTenant } from './tenant-read';
import { runInTenant, tenantOfPrincipal, type TenantWork } from './tenant-transaction';

/** The DataSource connected as the BYPASSRLS system role (only `runAsSystem` uses it). */
export const SYSTEM_DATA_SOURCE = Symbol('SYSTEM_DATA_SOURCE');
export const TENANCY_LOGGER = Symbol('TENANCY_LOGGER');

/**
 * The injectable face of the tenancy functions: handlers (through the transport's interceptor)
 * get a tenant transaction from the envelope's principal; cross-tenant work names its reason.
 * On start it refuses a configuration where the app role could bypass RLS (a superuser URL), or
 * where the system role could not (runAsSystem would silently see nothing).
 */
@Injectable()
export class TenantDatabase implements OnModuleInit {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SYSTEM_DATA_SOURCE) private readonly systemDataSource: DataSource,
    @Inject(TENANCY_LOGGER) private readonly logger: TenancyLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (await connectedRoleBypassesRls(this.dataSource)) {
      throw new Error(
        'DATABASE_URL connects as a role that bypasses row-level security (superuser or BYPASSRLS)',
      );
    }
    if (!(await connectedRoleBypassesRls(this.systemDataSource))) {
      throw new Error(
        'DATABASE_SYSTEM_URL connects as a role without BYPASSRLS: runAsSystem would see no rows',
      );
    }
  }

  /** The current handler's transaction (tenant or system); throws outside one. */
  get manager(): EntityManager {
    return currentTenantManager();
  }

  /**
   * Inside a transaction of the same tenant (a service called by another within one use case, or
   * under the interceptor) the work joins it instead of opening a second one on another connection:
   * one use case, one transaction. Another tenant's work always gets its own transaction.
   */
  async runInTenant<T>(organizationId: string, work: TenantWork<T>): Promise<T> {
    const open = currentTenantScope();
    if (open && open.organizationId === organizationId) return work(open.manager);
    return runInTenant(this.dataSource, organizationId, work);
  }

  /**
   * One read-only statement under the tenant's RLS in one round trip (see `readInTenant`); inside an
   * open transaction of the same tenant it runs there, like `runInTenant`.
   */
  async readInTenant<R extends QueryResultRow>(
    organizationId: string,
    sql: string,
    params: readonly string[],
  ): Promise<R[]> {
    const open = currentTenantScope();
    if (open && open.organizationId === organizationId) return open.manager.query(sql, [...params]);
    return readInTenant<R>(this.dataSource, organizationId, sql, params);
  }

  async runForPrincipal<T>(principal: Principal | null | undefined, work: TenantWork<T>): Promise<T> {
    return this.runInTenant(tenantOfPrincipal(principal), work);
  }

  /** Joins an open system transaction (still logging its own reason), else opens one. */
  async runAsSystem<T>(reason: string, work: TenantWork<T>): Promise<T> {
    const open = currentTenantScope();
    if (open && open.organizationId === null) {
      announceSystemWork(this.logger, reason);
      return work(open.manager);
    }
    return runAsSystem(this.systemDataSource, this.logger, reason, work);
  }
}
