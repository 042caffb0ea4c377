import { Injectable } from '@nestjs/common';
import { PAYMENTS_RPC } from '@platform/contracts';
import { ConflictError } from '@platform/errors';
import { currentTenantManager } from '@platform/tenancy';
import { PaymentProviders } from '../providers/payment-providers';
import { callProvider, providerIdempotencyKey } from '../shared/provider-errors';
import { LIVE_STATUSES } from '../subscriptions/subscription-lifecycle';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';
import { toHostedPageDto } from '../subscriptions/subscription.mapper';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import type { BillingCaller } from '../shared/billing-caller';

/**
 * The backup card of an AZUL-billed organization (seed 003: while AZUL's breaker is open, the
 * monthly charge goes to Stripe). The member saves it on Stripe's Checkout page in setup mode; the
 * card counts once Stripe's webhook confirms it (FallbackCardRecorder). The organization's Stripe
 * customer for it is created on the first setup and reused by every later one (a new card replaces
 * the old).
 */
@Injectable()
export class FallbackCardService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly providers: PaymentProviders,
  ) {}

  async startSetup(caller: BillingCaller, page: { successUrl: string; cancelUrl: string }) {
    const stripe = this.providers.get('stripe');
    const row = await this.subscriptions.ensureLocked(caller.organizationId);
    if (row.provider !== 'azul' || !LIVE_STATUSES.has(row.status)) {
      throw new ConflictError(
        'A backup card is for subscriptions billed through AZUL: pay a plan with AZUL first',
      );
    }
    const customerId = row.fallbackCustomerId ?? (await this.createCustomer(row));
    const session = await callProvider(() =>
      stripe.createCardSetup!(
        { organizationId: caller.organizationId, providerCustomerId: customerId, ...page },
        {
          idempotencyKey: providerIdempotencyKey(
            caller.organizationId,
            PAYMENTS_RPC.setupFallbackCard,
            caller.idempotencyKey,
          ),
        },
      ),
    );
    return toHostedPageDto(session);
  }

  /**
   * Stored in this transaction (the row is locked), so two setups never make two customers. The
   * key is the organization's own: a crash after Stripe answered and before our commit finds the
   * same customer again on the retry (within Stripe's 24 h of key memory).
   */
  private async createCustomer(row: SubscriptionEntity): Promise<string> {
    const customer = await callProvider(() =>
      this.providers
        .get('stripe')
        .createCustomer(
          { organizationId: row.organizationId, email: row.billingEmail ?? undefined },
          { idempotencyKey: `${row.organizationId}:fallback-customer` },
        ),
    );
    await currentTenantManager().update(
      SubscriptionEntity,
      { organizationId: row.organizationId },
      { fallbackCustomerId: customer.providerCustomerId },
    );
    return customer.providerCustomerId;
  }
}
