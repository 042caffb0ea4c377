import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { PaymentProviderName, PlanCode, SubscriptionStatus } from '@platform/contracts';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { InvoiceRepository } from '../invoices/invoice.repository';
import type { PendingNotice } from '../mail/billing-notices';
import type {
  NormalizedProviderEvent,
  ProviderInvoice,
  ProviderSubscriptionSnapshot,
  ProviderSubscriptionStatus,
} from '../providers/payment-provider.port';
import { Clock } from '../shared/clock';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';
import {
  clearedDunning,
  LIVE_STATUSES,
  startedDunning,
  SubscriptionLifecycle,
} from '../subscriptions/subscription-lifecycle';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { DirectChargeApplier } from './direct-charge.applier';
import { ThreeDsContinuation } from '../azul-payments/three-ds-continuation';
import { FallbackCardRecorder } from '../fallback-card/fallback-card.recorder';

export { clearedDunning };

const LIVE = LIVE_STATUSES;

/**
 * Applies normalized provider facts to one organization's subscription and invoices, inside the
 * tenant transaction the inbox processor opened (which also marks the inbox row processed, so a
 * fact is applied exactly once per commit). Every rule is written to be safe out of order and
 * twice: subscription facts older than the last applied one (provider version) are ignored, a
 * cancelled provider subscription never comes back, a paid invoice never reopens, and events are
 * published only on a status/plan transition — a repeated fact finds no transition.
 */
@Injectable()
export class BillingEventApplier {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly invoices: InvoiceRepository,
    private readonly lifecycle: SubscriptionLifecycle,
    private readonly directCharges: DirectChargeApplier,
    private readonly threeDs: ThreeDsContinuation,
    private readonly fallbackCards: FallbackCardRecorder,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
  ) {}

  async apply(
    manager: EntityManager,
    organizationId: string,
    provider: PaymentProviderName,
    event: NormalizedProviderEvent,
  ): Promise<PendingNotice[]> {
    switch (event.kind) {
      case 'checkout.completed':
        await this.checkoutCompleted(manager, organizationId, provider, event);
        return [];
      case 'subscription.updated':
      case 'subscription.deleted': {
        const snapshot: ProviderSubscriptionSnapshot =
          event.kind === 'subscription.deleted'
            ? { ...event.subscription, status: 'canceled' }
            : event.subscription;
        return this.subscriptionChanged(manager, organizationId, provider, snapshot, event.version);
      }
      case 'invoice.paid':
        return this.invoicePaid(manager, organizationId, provider, event.invoice, event.version);
      case 'invoice.payment-failed':
        return this.invoiceFailed(manager, organizationId, provider, event.invoice, event.version);
      case 'charge.updated':
        return this.directCharges.chargeUpdated(manager, organizationId, provider, event);
      case 'three-ds.completed':
        return this.threeDs.continue(manager, organizationId, event);
      case 'card.saved':
        await this.fallbackCards.saved(manager, organizationId, event);
        return [];
    }
  }

  private async checkoutCompleted(
    manager: EntityManager,
    organizationId: string,
    provider: PaymentProviderName,
    event: Extract<NormalizedProviderEvent, { kind: 'checkout.completed' }>,
  ): Promise<void> {
    const row = await this.subscriptions.ensureLocked(organizationId, manager);
    const changes: Partial<SubscriptionEntity> = {};
    if (event.billingEmail) changes.billingEmail = event.billingEmail;
    if (!row.providerCustomerId)
      Object.assign(changes, { provider, providerCustomerId: event.providerCustomerId });
    // The subscription it started, unless another one is live already (a stale session).
    if (event.providerSubscriptionId && (!row.providerSubscriptionId || !LIVE.has(row.status))) {
      changes.providerSubscriptionId = event.providerSubscriptionId;
    }
    if (Object.keys(changes).length > 0)
      await manager.update(SubscriptionEntity, { organizationId }, changes);
  }

  private async subscriptionChanged(
    manager: EntityManager,
    organizationId: string,
    provider: PaymentProviderName,
    snapshot: ProviderSubscriptionSnapshot,
    version: number,
  ): Promise<PendingNotice[]> {
    const row = await this.subscriptions.ensureLocked(organizationId, manager);
    const sameSubscription = row.providerSubscriptionId === snapshot.providerSubscriptionId;
    if (row.providerSubscriptionId && !sameSubscription && LIVE.has(row.status)) return []; // another live one
    if (sameSubscription && version < row.providerVersion) return []; // older than what we applied
    if (sameSubscription && row.status === 'CANCELLED') return []; // a cancelled subscription stays so

    const previous = { status: row.status, plan: row.plan };
    const status = nextStatus(row.status, snapshot.status);
    const plan: PlanCode = status === 'CANCELLED' ? 'FREE' : (snapshot.plan ?? row.plan);
    const recovered =
      status === 'ACTIVE' && (previous.status === 'PAST_DUE' || previous.status === 'SUSPENDED');
    const now = this.clock.now();
    await manager.update(
      SubscriptionEntity,
      { organizationId },
      {
        provider,
        providerCustomerId: row.providerCustomerId ?? snapshot.providerCustomerId,
        providerSubscriptionId: snapshot.providerSubscriptionId,
        plan,
        status,
        currentPeriodStart: snapshot.currentPeriodStart,
        currentPeriodEnd: snapshot.currentPeriodEnd,
        cancelAtPeriodEnd: snapshot.cancelAtPeriodEnd,
        providerVersion: Math.max(version, sameSubscription ? row.providerVersion : 0),
        ...(recovered || status === 'CANCELLED' ? clearedDunning() : {}),
      },
    );
    await this.publishTransition(manager, organizationId, previous, { status, plan }, now);
    return recovered
      ? [
          {
            to: row.billingEmail,
            notice: { kind: 'payment-received', plan, reactivated: previous.status === 'SUSPENDED' },
          },
        ]
      : [];
  }

  private async invoicePaid(
    manager: EntityManager,
    organizationId: string,
    provider: PaymentProviderName,
    invoice: ProviderInvoice,
    version: number,
  ): Promise<PendingNotice[]> {
    await this.invoices.upsert(manager, organizationId, provider, invoice, version);
    const row = await this.subscriptions.findForUpdate(organizationId, manager);
    if (!row || (row.status !== 'PAST_DUE' && row.status !== 'SUSPENDED')) return [];
    if (row.dunningInvoiceId && row.dunningInvoiceId !== invoice.providerInvoiceId) return [];
    // The owed invoice is paid: everything reopens at once.
    await manager.update(SubscriptionEntity, { organizationId }, { status: 'ACTIVE', ...clearedDunning() });
    await this.publishTransition(
      manager,
      organizationId,
      row,
      { status: 'ACTIVE', plan: row.plan },
      this.clock.now(),
    );
    return [
      {
        to: row.billingEmail,
        notice: { kind: 'payment-received', plan: row.plan, reactivated: row.status === 'SUSPENDED' },
      },
    ];
  }

  private async invoiceFailed(
    manager: EntityManager,
    organizationId: string,
    provider: PaymentProviderName,
    invoice: ProviderInvoice,
    version: number,
  ): Promise<PendingNotice[]> {
    const stored = await this.invoices.upsert(manager, organizationId, provider, invoice, version);
    if (stored === 'paid') return []; // a late failure of an invoice paid since
    const row = await this.subscriptions.findForUpdate(organizationId, manager);
    // Dunning starts once per owed invoice of a live subscription; later failures are the retries'
    // own (the job counts them). A subscription never activated has nothing to suspend.
    if (!row || (row.status !== 'ACTIVE' && row.status !== 'PAST_DUE') || row.dunningInvoiceId) return [];
    const dunning = startedDunning(
      invoice.providerInvoiceId,
      this.clock.now(),
      this.config.DUNNING_RETRY_DAYS,
    );
    await manager.update(SubscriptionEntity, { organizationId }, dunning);
    return [
      {
        to: row.billingEmail,
        notice: { kind: 'payment-failed', plan: row.plan, nextRetryAt: dunning.nextRetryAt },
      },
    ];
  }

  /** Dunning gave up (kept here for the dunning job; the lifecycle class publishes). */
  publishSuspended(manager: EntityManager, organizationId: string, plan: PlanCode, now: Date): Promise<void> {
    return this.lifecycle.publishSuspended(manager, organizationId, plan, now);
  }

  /** The lifecycle events of a transition, through the outbox (same transaction as the change). */
  publishTransition(
    manager: EntityManager,
    organizationId: string,
    before: { status: SubscriptionStatus; plan: PlanCode },
    after: { status: SubscriptionStatus; plan: PlanCode },
    now: Date,
  ): Promise<void> {
    return this.lifecycle.publishTransition(manager, organizationId, before, after, now);
  }
}

/** Our status from the provider's, given ours: suspension is ours to lift (on payment), not Stripe's. */
function nextStatus(current: SubscriptionStatus, provider: ProviderSubscriptionStatus): SubscriptionStatus {
  switch (provider) {
    case 'active':
    case 'trialing':
      return 'ACTIVE';
    case 'past_due':
    case 'unpaid':
      // Only a subscription that was live can fall behind; one never activated stays as it is (so
      // its later activation is still announced as such).
      if (current === 'SUSPENDED') return 'SUSPENDED';
      return LIVE.has(current) ? 'PAST_DUE' : current;
    case 'canceled':
      return 'CANCELLED';
    default:
      return current;
  }
}
