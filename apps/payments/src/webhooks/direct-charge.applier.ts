import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { PaymentsEnv } from '../config/payments-env.schema';
import type { EntityManager } from 'typeorm';
import type { PaidPlanCode, PaymentProviderName } from '@platform/contracts';
import { InvoiceRepository } from '../invoices/invoice.repository';
import type { NormalizedProviderEvent } from '../providers/payment-provider.port';
import { addMonths } from '../shared/billing-period';
import { Clock } from '../shared/clock';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';
import {
  clearedDunning,
  LIVE_STATUSES,
  startedDunning,
  suspensionDay,
  SubscriptionLifecycle,
} from '../subscriptions/subscription-lifecycle';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import type { PendingNotice } from '../mail/billing-notices';

/** A direct charge (AZUL, Mercado Pago, the Stripe fallback) that paid one period of a plan. */
export interface PaidCharge {
  provider: PaymentProviderName;
  providerChargeId: string;
  plan: PaidPlanCode;
  /** What the card paid, tax included; `taxCents` is its ITBIS part (0 where none applies). */
  totalCents: number;
  taxCents: number;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  paidAt: Date;
  /** Orders charges of one organization: a charge not newer than the last applied one changes no subscription. */
  version: number;
  /** Who manages the subscription when not the charging provider (AZUL, for its Stripe fallback). */
  subscriptionProvider?: PaymentProviderName;
  /** The stored card (AZUL DataVault token) the next periods are charged to. */
  paymentToken?: string;
}

/**
 * Applies direct charges — there is no provider-managed subscription behind them, so WE keep the
 * period: an approved charge records a paid invoice and makes the subscription ACTIVE on its plan
 * for the period it paid, publishing the lifecycle events of the transition (activation issues the
 * organization code in auth, as with Stripe). Runs in the caller's tenant transaction; safe twice
 * and out of order (version rule; the invoice is unique per provider charge and never un-pays).
 */
@Injectable()
export class DirectChargeApplier {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly invoices: InvoiceRepository,
    private readonly lifecycle: SubscriptionLifecycle,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
  ) {}

  /** A provider's `charge.updated` fact (Mercado Pago payments): only an approved one with our plan acts. */
  async chargeUpdated(
    manager: EntityManager,
    organizationId: string,
    provider: PaymentProviderName,
    event: Extract<NormalizedProviderEvent, { kind: 'charge.updated' }>,
  ): Promise<PendingNotice[]> {
    if (event.status === 'refunded') return this.reversed(manager, organizationId, provider, event);
    // Pending, declined, voided: nothing to activate.
    if (event.status !== 'succeeded' || !event.plan || event.plan === 'FREE') return [];
    const paidAt = event.paidAt ?? new Date(event.version);
    const periodStart = event.periodStart ?? paidAt;
    const charge: PaidCharge = {
      provider,
      providerChargeId: event.providerChargeId,
      plan: event.plan,
      totalCents: event.amountCents,
      taxCents: 0,
      currency: event.currency,
      periodStart,
      periodEnd: addMonths(periodStart, 1),
      paidAt,
      version: event.version,
    };
    // A renewal paid ahead buys a month that has not begun: the current one stays as it is, and
    // PrepaidPeriodEnd moves on to the paid month when this one ends.
    if (event.periodStart && event.periodStart > this.clock.now())
      return this.paidAhead(manager, organizationId, charge);
    return this.paid(manager, organizationId, charge);
  }

  /** The invoice of the month paid ahead, and a receipt the first time it is recorded. */
  private async paidAhead(
    manager: EntityManager,
    organizationId: string,
    charge: PaidCharge,
  ): Promise<PendingNotice[]> {
    const known = await this.invoices.findByProviderId(manager, charge.provider, charge.providerChargeId);
    await this.recordInvoice(manager, organizationId, charge);
    if (known) return [];
    const row = await this.subscriptions.findForUpdate(organizationId, manager);
    return [
      {
        to: row?.billingEmail ?? null,
        notice: { kind: 'payment-received', plan: charge.plan, reactivated: false },
      },
    ];
  }

  /**
   * A refund or chargeback of the charge that paid the CURRENT period: that period is no longer paid,
   * so the subscription goes PAST_DUE now and dunning takes over (reminders, then suspension), as
   * when a prepaid month ends unpaid; paying a new checkout reopens it. The invoice of the charge,
   * whichever month it paid, stays `paid` and shows the amount given back. A reversal of an older
   * month, of another provider's subscription, or older than the last fact applied changes no
   * subscription.
   */
  private async reversed(
    manager: EntityManager,
    organizationId: string,
    provider: PaymentProviderName,
    event: Extract<NormalizedProviderEvent, { kind: 'charge.updated' }>,
  ): Promise<PendingNotice[]> {
    await this.invoices.recordReversal(manager, provider, event.providerChargeId, new Date(event.version));
    const row = await this.subscriptions.findForUpdate(organizationId, manager);
    if (!row || row.provider !== provider || row.status !== 'ACTIVE') return [];
    if (event.version <= row.providerVersion) return [];
    const invoice = await this.invoices.findByProviderId(manager, provider, event.providerChargeId);
    if (!invoice?.periodStart || invoice.periodStart.getTime() !== row.currentPeriodStart?.getTime())
      return [];
    const now = this.clock.now();
    const schedule = this.config.DUNNING_RETRY_DAYS;
    const owed = `${provider}:reversed:${event.providerChargeId}`;
    await manager.update(
      SubscriptionEntity,
      { organizationId },
      { ...startedDunning(owed, now, schedule), providerVersion: event.version },
    );
    return [
      {
        to: row.billingEmail,
        notice: { kind: 'payment-reversed', plan: row.plan, suspendOn: suspensionDay(now, schedule) },
      },
    ];
  }

  async paid(manager: EntityManager, organizationId: string, charge: PaidCharge): Promise<PendingNotice[]> {
    await this.recordInvoice(manager, organizationId, charge);
    const row = await this.subscriptions.ensureLocked(organizationId, manager);
    // Who keeps the subscription: the AZUL subscription stays AZUL's when the Stripe fallback took
    // a charge (AZUL takes the next one again).
    const owner = charge.subscriptionProvider ?? charge.provider;
    // Another provider's live subscription (a Stripe subscriber paying also here): the invoice is
    // kept, the subscription is that provider's to change.
    if (row.provider && row.provider !== owner && LIVE_STATUSES.has(row.status)) return [];
    // This charge (or a newer one) was applied already: a redelivery, or a late older payment.
    if (row.provider === owner && charge.version <= row.providerVersion) return [];

    const before = { status: row.status, plan: row.plan };
    const recovered = before.status === 'PAST_DUE' || before.status === 'SUSPENDED';
    await manager.update(
      SubscriptionEntity,
      { organizationId },
      {
        provider: owner,
        // Direct-charge providers keep no customer object: the organization stands for it.
        providerCustomerId: organizationId,
        providerSubscriptionId: null,
        plan: charge.plan,
        status: 'ACTIVE',
        currentPeriodStart: charge.periodStart,
        currentPeriodEnd: charge.periodEnd,
        cancelAtPeriodEnd: false,
        providerVersion: charge.version,
        ...(charge.paymentToken ? { paymentToken: charge.paymentToken } : {}),
        ...clearedDunning(),
      },
    );
    await this.lifecycle.publishTransition(
      manager,
      organizationId,
      before,
      { status: 'ACTIVE', plan: charge.plan },
      this.clock.now(),
    );
    return recovered || LIVE_STATUSES.has(before.status)
      ? [
          {
            to: row.billingEmail,
            notice: {
              kind: 'payment-received',
              plan: charge.plan,
              reactivated: before.status === 'SUSPENDED',
            },
          },
        ]
      : [];
  }

  /** Our invoice of a direct charge: paid, the period it bought (unique per provider charge). */
  private async recordInvoice(
    manager: EntityManager,
    organizationId: string,
    charge: PaidCharge,
  ): Promise<void> {
    await this.invoices.upsert(
      manager,
      organizationId,
      charge.provider,
      {
        providerInvoiceId: charge.providerChargeId,
        providerCustomerId: organizationId,
        providerSubscriptionId: null,
        organizationId,
        number: null,
        status: 'paid',
        currency: charge.currency,
        subtotalCents: charge.totalCents - charge.taxCents,
        taxCents: charge.taxCents,
        totalCents: charge.totalCents,
        amountPaidCents: charge.totalCents,
        plan: charge.plan,
        periodStart: charge.periodStart,
        periodEnd: charge.periodEnd,
        paidAt: charge.paidAt,
        attemptCount: 1,
      },
      charge.version,
    );
  }
}
