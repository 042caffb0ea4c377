import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentProviderName } from '@platform/contracts';
import { currentTenantManager, TenantDatabase } from '@platform/tenancy';
import { SubscriptionEntity } from './subscription.entity';

/** Subscriptions in the database; tenant work runs in the caller's tenant transaction (RLS). */
@Injectable()
export class SubscriptionRepository {
  constructor(private readonly tenants: TenantDatabase) {}

  find(
    organizationId: string,
    manager: EntityManager = currentTenantManager(),
  ): Promise<SubscriptionEntity | null> {
    return manager.findOneBy(SubscriptionEntity, { organizationId });
  }

  /** The row, locked for this transaction (commands and webhooks on one organization serialize here). */
  findForUpdate(organizationId: string, manager: EntityManager = currentTenantManager()) {
    return manager.findOne(SubscriptionEntity, {
      where: { organizationId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Creates the organization's row (TRIAL, FREE) when missing; either way answers it locked. */
  async ensureLocked(
    organizationId: string,
    manager: EntityManager = currentTenantManager(),
  ): Promise<SubscriptionEntity> {
    await manager.query(
      `INSERT INTO subscriptions (organization_id, plan, status) VALUES ($1, 'FREE', 'TRIAL')
       ON CONFLICT (organization_id) DO NOTHING`,
      [organizationId],
    );
    return (await this.findForUpdate(organizationId, manager))!;
  }

  /**
   * Which organization a provider customer belongs to (webhooks arrive without a tenant). The
   * system path, with its reason logged; answers null for a customer we never created.
   */
  async organizationOfCustomer(
    provider: PaymentProviderName,
    providerCustomerId: string,
  ): Promise<string | null> {
    return this.tenants.runAsSystem('payments.webhook.resolve-customer', async (manager) => {
      const row = await manager.findOne(SubscriptionEntity, {
        where: { provider, providerCustomerId },
        select: { organizationId: true },
      });
      return row?.organizationId ?? null;
    });
  }
}
