import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER, PeriodicTask, SERVICE_CONFIG } from '@platform/bootstrap';
import type { PaidPlanCode } from '@platform/contracts';
import { TenantDatabase } from '@platform/tenancy';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { BillingNotices } from '../mail/billing-notices';
import { itbisIncluded } from '../providers/azul/itbis';
import { RecurringChargeDeferredError, type RoutedCharge } from '../providers/azul/recurring-charge-router';
import { PaymentProviderFailure } from '../providers/payment-provider.port';
import { addMonths, periodKey } from '../shared/billing-period';
import { Clock } from '../shared/clock';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';
import { startedDunning } from '../subscriptions/subscription-lifecycle';
import { sweepSubscriptions } from '../subscriptions/subscription-sweep';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import type { PendingNotice } from '../mail/billing-notices';
import { DirectChargeApplier } from '../webhooks/direct-charge.applier';
import { RecurringChargeEntity } from './recurring-charge.entity';
import {
  RECURRING_CHARGE_ROUTER,
  type RecurringChargeRouterHolder,
} from './recurring-charge.router.provider';

const DAY_MS = 24 * 3600 * 1000;

/**
 * AZUL's monthly charges (seed 003), scheduled by us: AZUL has no subscriptions, only a stored card
 * (DataVault token). For each ACTIVE AZUL subscription the job sends a notice RECURRING_NOTICE_DAYS
 * before the period ends (once: the notice creates the period's `recurring_charges` row), and at the
 * period's end charges the token through RecurringChargeRouter — AZUL, or Stripe while AZUL's breaker
 * is open. Each organization is handled in its own transaction with its subscription row locked, and
 * the charge's key is `recurring:<org>:<period start>`: a second run, a second replica or a crash
 * after AZUL approved finds the same key, which AZUL (CustomOrderId) and Stripe (Idempotency-Key)
 * answer with the original charge. Approved → paid invoice with ITBIS, period advanced; declined →
 * PAST_DUE and dunning (DunningJob retries through `retryOwed`).
 */
@Injectable()
export class RecurringChargeJob extends PeriodicTask {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly subscriptions: SubscriptionRepository,
    private readonly directCharges: DirectChargeApplier,
    private readonly notices: BillingNotices,
    private readonly clock: Clock,
    @Inject(RECURRING_CHARGE_ROUTER) private readonly routing: RecurringChargeRouterHolder,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  protected runPass() {
    return this.runDue();
  }

  protected intervalMs() {
    // AZUL not configured: nothing to schedule.
    return this.routing.router ? this.config.RECURRING_CHARGE_POLL_MS : 0;
  }

  protected passFailed(error: unknown) {
    this.logger.error({ err: error }, 'recurring charge run failed');
  }

  /** Sends the notices and places the charges that are due now; answers the organizations handled. */
  async runDue(): Promise<string[]> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + this.config.RECURRING_NOTICE_DAYS * DAY_MS);
    return sweepSubscriptions(
      { tenants: this.tenants, notices: this.notices, logger: this.logger },
      {
        scan: 'payments.recurring.scan',
        where: `s.provider = 'azul' AND s.status = 'ACTIVE' AND s.current_period_end <= :horizon AND s.payment_token IS NOT NULL`,
        parameters: { horizon },
        orderBy: 's.current_period_end',
        decide: (manager, organizationId) => this.handle(manager, organizationId, now),
        cause: `recurring:${now.toISOString()}`,
        failure: 'recurring charge failed to run; next scan tries again',
        report: 'noticed',
      },
    );
  }

  /**
   * Dunning's retry of a declined monthly charge (AZUL has no invoice to "pay again"): the same
   * period, charged under `<owed key>:<attempt>`, so each retry is its own charge and none is taken twice.
   */
  async retryOwed(
    manager: EntityManager,
    row: SubscriptionEntity,
    attempt: number,
    now: Date,
  ): Promise<{ paid: boolean }> {
    const owed = await manager.findOneBy(RecurringChargeEntity, {
      organizationId: row.organizationId,
      idempotencyKey: row.dunningInvoiceId!,
    });
    if (!owed || !row.paymentToken) return { paid: false };
    const routed = await this.route(row, `${owed.idempotencyKey}:${attempt}`, owed.periodStart, false);
    if (routed.result.status !== 'succeeded') return { paid: false };
    await this.recordPaid(manager, row, owed, routed, now);
    return { paid: true };
  }

  private async handle(manager: EntityManager, organizationId: string, now: Date): Promise<PendingNotice[]> {
    const row = await this.subscriptions.findForUpdate(organizationId, manager);
    if (
      !row ||
      row.provider !== 'azul' ||
      row.status !== 'ACTIVE' ||
      !row.currentPeriodEnd ||
      !row.paymentToken
    ) {
      return [];
    }
    const periodStart = row.currentPeriodEnd;
    if (now.getTime() < periodStart.getTime() - this.config.RECURRING_NOTICE_DAYS * DAY_MS) return [];
    const price = this.priceOf(row.plan as PaidPlanCode);
    if (!price) {
      this.logger.error(
        { organizationId, plan: row.plan },
        'no AZUL price for the plan: monthly charge skipped',
      );
      return [];
    }
    const notices: PendingNotice[] = [];
    let charge = await manager.findOne(RecurringChargeEntity, {
      where: { organizationId, periodStart },
      lock: { mode: 'pessimistic_write' },
    });
    if (!charge) {
      // The notice is queued with the period's row (same transaction), so it goes once.
      charge = await manager.save(
        manager.create(RecurringChargeEntity, {
          organizationId,
          periodStart,
          idempotencyKey: `recurring:${organizationId}:${periodKey(periodStart)}`,
          noticeSentAt: now,
          status: 'scheduled',
        }),
      );
      notices.push({
        to: row.billingEmail,
        notice: {
          kind: 'renewal-notice',
          plan: row.plan,
          chargeOn: periodStart,
          amountCents: price,
          currency: 'DOP',
        },
      });
    }
    if (now < periodStart || (charge.status !== 'scheduled' && charge.status !== 'outcome-unknown'))
      return notices;

    let routed: RoutedCharge;
    try {
      routed = await this.route(
        row,
        charge.idempotencyKey,
        periodStart,
        charge.status === 'outcome-unknown',
        charge.provider,
      );
    } catch (error) {
      // The charge may have happened (AZUL or Stripe did not answer): remember who has it, so the
      // next run asks that provider again with the same key and never the other one.
      const unknownAt =
        error instanceof RecurringChargeDeferredError && error.reason === 'azul-outcome-unknown'
          ? 'azul'
          : error instanceof PaymentProviderFailure && error.transient
            ? error.provider
            : null;
      await manager.update(
        RecurringChargeEntity,
        { id: charge.id },
        {
          attempts: charge.attempts + 1,
          lastError: String((error as Error).message).slice(0, 2000),
          ...(unknownAt ? { status: 'outcome-unknown', provider: unknownAt } : {}),
        },
      );
      this.logger.warn(
        { err: error, organizationId },
        'monthly charge deferred; the next run retries it with the same key',
      );
      return notices;
    }
    if (routed.result.status === 'succeeded') {
      notices.push(...(await this.recordPaid(manager, row, charge, routed, now)));
      return notices;
    }
    if (routed.result.status === 'declined') {
      notices.push(...(await this.recordDeclined(manager, row, charge, routed, now)));
      return notices;
    }
    // requires_action / pending: an off-session charge should not get here; left for the next run.
    await manager.update(RecurringChargeEntity, { id: charge.id }, { attempts: charge.attempts + 1 });
    return notices;
  }

  private async route(
    row: SubscriptionEntity,
    idempotencyKey: string,
    periodStart: Date,
    outcomeUnknown: boolean,
    unknownAt: string | null = null,
  ): Promise<RoutedCharge> {
    const router = this.routing.router;
    if (!router) throw new Error('AZUL is not configured');
    const price = this.priceOf(row.plan as PaidPlanCode)!;
    const charge = {
      organizationId: row.organizationId,
      idempotencyKey,
      amountCents: price,
      taxCents: itbisIncluded(price).itbisCents,
      currency: 'DOP',
      description: `${row.plan} plan, ${periodKey(periodStart)}`,
      azulToken: row.paymentToken ?? undefined,
      // Only a confirmed card makes a fallback (the customer alone exists from the setup's start).
      fallbackToken: (row.fallbackPaymentMethodId && row.fallbackCustomerId) || undefined,
      fallbackPaymentMethod: row.fallbackPaymentMethodId ?? undefined,
      azulOutcomeUnknown: outcomeUnknown && unknownAt === 'azul',
    };
    // Stripe may have taken it: only Stripe is asked again (its Idempotency-Key finds the intent).
    if (outcomeUnknown && unknownAt === 'stripe') return this.routing.viaFallback!(charge);
    return router.charge(charge);
  }

  private async recordPaid(
    manager: EntityManager,
    row: SubscriptionEntity,
    charge: RecurringChargeEntity,
    routed: RoutedCharge,
    now: Date,
  ): Promise<PendingNotice[]> {
    const price = this.priceOf(row.plan as PaidPlanCode)!;
    await manager.update(
      RecurringChargeEntity,
      { id: charge.id },
      {
        status: 'succeeded',
        provider: routed.provider,
        providerChargeId: routed.result.providerChargeId,
        attempts: charge.attempts + 1,
      },
    );
    return this.directCharges.paid(manager, row.organizationId, {
      provider: routed.provider === 'stripe' ? 'stripe' : 'azul',
      subscriptionProvider: 'azul',
      providerChargeId: routed.result.providerChargeId,
      plan: row.plan as PaidPlanCode,
      totalCents: price,
      taxCents: itbisIncluded(price).itbisCents,
      currency: 'DOP',
      periodStart: charge.periodStart,
      periodEnd: addMonths(charge.periodStart, 1),
      paidAt: now,
      version: charge.periodStart.getTime(),
    });
  }

  private async recordDeclined(
    manager: EntityManager,
    row: SubscriptionEntity,
    charge: RecurringChargeEntity,
    routed: RoutedCharge,
    now: Date,
  ): Promise<PendingNotice[]> {
    await manager.update(
      RecurringChargeEntity,
      { id: charge.id },
      {
        status: 'declined',
        provider: routed.provider,
        providerChargeId: routed.result.providerChargeId,
        attempts: charge.attempts + 1,
        lastError: routed.result.declineCode ?? null,
      },
    );
    // Dunning owes this period's charge (its key); DunningJob retries it through retryOwed.
    const dunning = startedDunning(charge.idempotencyKey, now, this.config.DUNNING_RETRY_DAYS);
    await manager.update(SubscriptionEntity, { organizationId: row.organizationId }, dunning);
    return [
      {
        to: row.billingEmail,
        notice: { kind: 'payment-failed', plan: row.plan, nextRetryAt: dunning.nextRetryAt },
      },
    ];
  }

  private priceOf(plan: PaidPlanCode): number | undefined {
    return this.config.AZUL_PLAN_PRICES_CENTS?.[plan];
  }
}
