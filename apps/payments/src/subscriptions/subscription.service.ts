import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { PAYMENTS_RPC, type PaidPlanCode, type SubscriptionDto } from '@platform/contracts';
import { ConflictError } from '@platform/errors';
import { currentTenantManager } from '@platform/tenancy';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { GrantedPlanRepository } from '../plans/granted-plan.repository';
import { PaymentProviders } from '../providers/payment-providers';
import type { BillingCaller } from '../shared/billing-caller';
import { callProvider, providerIdempotencyKey } from '../shared/provider-errors';
import { Clock } from '../shared/clock';
import { paidAheadMonth, renewalWindowOpensAt } from './prepaid-renewal';
import { toHostedPageDto, toSubscriptionDto, withProviderSnapshot } from './subscription.mapper';
import { SubscriptionRepository } from './subscription.repository';
import { SubscriptionEntity } from './subscription.entity';

/**
 * The subscription use cases (Stripe; Mercado Pago Checkout Pro for organizations that choose it). The subscription row is locked for the whole command, so two
 * checkouts of one organization never create two Stripe customers; every call that creates or
 * changes something at Stripe carries an idempotency key derived from the caller's.
 */
@Injectable()
export class SubscriptionService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly providers: PaymentProviders,
    private readonly grantedPlans: GrantedPlanRepository,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
  ) {}

  async get(organizationId: string): Promise<SubscriptionDto> {
    const subscription = toSubscriptionDto(await this.subscriptions.find(organizationId));
    if (subscription.status !== 'TRIAL') return subscription;
    // Nothing bought here: the plan the organization was created on (an organization code's), the
    // one auth enforces and metering measures; FREE otherwise.
    const granted = await this.grantedPlans.find(organizationId);
    return granted ? { ...subscription, plan: granted } : subscription;
  }

  async startCheckout(
    caller: BillingCaller,
    input: {
      plan: PaidPlanCode;
      successUrl: string;
      cancelUrl: string;
      provider?: 'stripe' | 'mercadopago';
    },
  ) {
    const { provider: providerName = 'stripe', ...page } = input;
    const provider = this.providers.get(providerName);
    const row = await this.subscriptions.ensureLocked(caller.organizationId);
    // A prepaid Mercado Pago month that ended unpaid is renewed by paying a new checkout.
    const prepaidRenewal =
      providerName === 'mercadopago' &&
      row.provider === 'mercadopago' &&
      (row.status === 'PAST_DUE' || row.status === 'SUSPENDED');
    // ... or, in the last days of a month still paid, ahead: the month bought starts when this one ends.
    const renewsFrom =
      providerName === 'mercadopago' ? await this.paidAheadStart(row, input.plan) : undefined;
    if (
      !prepaidRenewal &&
      !renewsFrom &&
      (row.status === 'ACTIVE' || row.status === 'PAST_DUE' || row.status === 'SUSPENDED')
    ) {
      throw new ConflictError(
        'The organization already has a subscription: change its plan or use the billing portal',
      );
    }
    // Mercado Pago keeps no customer: the organization is each preference's external_reference.
    const customerId = providerName === 'stripe' ? await this.customerOf(row) : caller.organizationId;
    const session = await callProvider(() =>
      provider.createCheckout!(
        { organizationId: caller.organizationId, providerCustomerId: customerId, ...page, renewsFrom },
        {
          // Mercado Pago needs a key on every preference; without the caller's, a fresh one (no retry to match).
          idempotencyKey:
            providerIdempotencyKey(
              caller.organizationId,
              PAYMENTS_RPC.createCheckoutSession,
              caller.idempotencyKey,
            ) ?? (providerName === 'stripe' ? undefined : `${caller.organizationId}:${randomUUID()}`),
        },
      ),
    );
    return toHostedPageDto(session);
  }

  /**
   * Where the next prepaid month starts when it is being paid ahead: the current Mercado Pago month
   * is ACTIVE and in its renewal window (RECURRING_NOTICE_DAYS before its end). Same plan only (a
   * plan change waits for the month's end), and once: a month paid ahead is not bought twice.
   */
  private async paidAheadStart(row: SubscriptionEntity, plan: PaidPlanCode): Promise<Date | undefined> {
    const periodEnd = row.currentPeriodEnd;
    const now = this.clock.now();
    if (row.provider !== 'mercadopago' || row.status !== 'ACTIVE' || !periodEnd || periodEnd <= now)
      return undefined;
    if (now < renewalWindowOpensAt(periodEnd, this.config.RECURRING_NOTICE_DAYS)) return undefined;
    if (plan !== row.plan) {
      throw new ConflictError(
        `This month is renewed on ${row.plan}; choose another plan once it ends (${periodEnd.toISOString()})`,
      );
    }
    if (await paidAheadMonth(currentTenantManager(), 'mercadopago', periodEnd)) {
      throw new ConflictError('The next month is paid already');
    }
    return periodEnd;
  }

  async openPortal(caller: BillingCaller, returnUrl: string) {
    const row = await this.subscriptions.find(caller.organizationId);
    if (!row?.providerCustomerId || row.provider !== 'stripe') {
      throw new ConflictError('The organization has no Stripe billing account yet: start a checkout first');
    }
    const portal = await callProvider(() =>
      this.providers.get('stripe').createPortalSession!(
        { providerCustomerId: row.providerCustomerId!, returnUrl },
        {
          idempotencyKey: providerIdempotencyKey(
            caller.organizationId,
            PAYMENTS_RPC.createPortalSession,
            caller.idempotencyKey,
          ),
        },
      ),
    );
    return { url: portal.url };
  }

  /** Prorated plan change of the live subscription; the row follows with the provider's webhook. */
  async changePlan(caller: BillingCaller, plan: PaidPlanCode): Promise<SubscriptionDto> {
    const row = await this.liveSubscription(caller.organizationId);
    if (row.plan === plan) throw new ConflictError(`The organization is already on ${plan}`);
    const snapshot = await callProvider(() =>
      this.providers.get('stripe').changeSubscriptionPlan!(
        { providerSubscriptionId: row.providerSubscriptionId!, plan, prorate: true },
        {
          idempotencyKey: providerIdempotencyKey(
            caller.organizationId,
            PAYMENTS_RPC.changePlan,
            caller.idempotencyKey,
          ),
        },
      ),
    );
    return withProviderSnapshot(row, snapshot);
  }

  /** Cancels at the end of the paid period: the plan stays until then. */
  async cancelAtPeriodEnd(caller: BillingCaller): Promise<SubscriptionDto> {
    const row = await this.liveSubscription(caller.organizationId);
    const snapshot = await callProvider(() =>
      this.providers.get('stripe').cancelSubscriptionAtPeriodEnd!(
        { providerSubscriptionId: row.providerSubscriptionId! },
        {
          idempotencyKey: providerIdempotencyKey(
            caller.organizationId,
            PAYMENTS_RPC.cancelSubscription,
            caller.idempotencyKey,
          ),
        },
      ),
    );
    return withProviderSnapshot(row, snapshot);
  }

  private async liveSubscription(organizationId: string): Promise<SubscriptionEntity> {
    const row = await this.subscriptions.findForUpdate(organizationId);
    if (!row?.providerSubscriptionId || row.status === 'CANCELLED' || row.status === 'TRIAL') {
      throw new ConflictError('The organization has no active subscription');
    }
    if (row.provider !== 'stripe') {
      throw new ConflictError(`The subscription is managed through ${row.provider}, not Stripe`);
    }
    return row;
  }

  /**
   * The organization's Stripe customer, created once. The idempotency key is the organization's
   * own, so a crash after Stripe answered and before our commit reuses the same customer on retry.
   */
  private async customerOf(row: SubscriptionEntity): Promise<string> {
    if (row.providerCustomerId && row.provider === 'stripe') return row.providerCustomerId;
    const customer = await callProvider(() =>
      this.providers
        .get('stripe')
        .createCustomer(
          { organizationId: row.organizationId },
          { idempotencyKey: `${row.organizationId}:customer` },
        ),
    );
    await currentTenantManager().update(
      SubscriptionEntity,
      { organizationId: row.organizationId },
      { provider: 'stripe', providerCustomerId: customer.providerCustomerId },
    );
    return customer.providerCustomerId;
  }
}
