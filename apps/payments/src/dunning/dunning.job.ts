import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER, PeriodicTask, SERVICE_CONFIG } from '@platform/bootstrap';
import { TenantDatabase } from '@platform/tenancy';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { BillingNotices, type PendingNotice } from '../mail/billing-notices';
import { PaymentProviders } from '../providers/payment-providers';
import { RecurringChargeJob } from '../recurring/recurring-charge.job';
import { Clock } from '../shared/clock';
import { callProvider } from '../shared/provider-errors';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';
import { dunningDay, suspensionDay } from '../subscriptions/subscription-lifecycle';
import { sweepSubscriptions } from '../subscriptions/subscription-sweep';
import { PrepaidPeriodEnd } from './prepaid-period-end';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { BillingEventApplier, clearedDunning } from '../webhooks/billing-event.applier';

/**
 * Dunning: a PAST_DUE subscription's owed invoice is retried at the provider on the days of
 * DUNNING_RETRY_DAYS after the first failure (1, 3, 5, 7); when the last retry fails the organization
 * is SUSPENDED (`payments.subscription.suspended`, the gateway answers 402). A payment — a retry that
 * succeeds here, or the customer paying in the portal (invoice.paid webhook) — reopens it at once.
 * Each retry runs in the organization's transaction with its row locked and a deterministic provider
 * idempotency key (invoice + attempt), so two replicas or a crash never collect twice.
 */
@Injectable()
export class DunningJob extends PeriodicTask {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly subscriptions: SubscriptionRepository,
    private readonly providers: PaymentProviders,
    private readonly applier: BillingEventApplier,
    private readonly notices: BillingNotices,
    private readonly recurring: RecurringChargeJob,
    private readonly prepaidPeriodEnd: PrepaidPeriodEnd,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  /**
   * Prepaid months: reminders before their end, then lapsed ones enter dunning (or roll on to a
   * month paid ahead); then every retry that is due runs.
   */
  protected async runPass() {
    await this.prepaidPeriodEnd.remindDue();
    await this.prepaidPeriodEnd.runDue();
    return this.runDue();
  }

  protected intervalMs() {
    return this.config.DUNNING_POLL_MS;
  }

  protected passFailed(error: unknown) {
    this.logger.error({ err: error }, 'dunning run failed');
  }

  /** Runs every retry that is due now; answers the organizations handled. */
  async runDue(): Promise<string[]> {
    const now = this.clock.now();
    return sweepSubscriptions(
      { tenants: this.tenants, notices: this.notices, logger: this.logger },
      {
        scan: 'payments.dunning.scan',
        where: `s.status = 'PAST_DUE' AND s.next_retry_at <= :now`,
        parameters: { now },
        orderBy: 's.next_retry_at',
        decide: (manager, organizationId) => this.retry(manager, organizationId, now),
        cause: `dunning:${now.toISOString()}`,
        failure: 'dunning retry failed to run; next scan tries again',
        report: 'decided',
      },
    );
  }

  private async retry(manager: EntityManager, organizationId: string, now: Date): Promise<PendingNotice[]> {
    const row = await this.subscriptions.findForUpdate(organizationId, manager);
    if (
      !row ||
      row.status !== 'PAST_DUE' ||
      !row.nextRetryAt ||
      row.nextRetryAt > now ||
      !row.dunningInvoiceId
    ) {
      return [];
    }
    const attempt = row.dunningRetries + 1;
    const provider = this.providers.get(row.provider!);
    // Mercado Pago months are prepaid: nothing to charge again, only the customer can pay (a new
    // checkout); each step of the schedule is a reminder, the last one suspends.
    const prepaid = row.provider === 'mercadopago';
    // AZUL has no invoice to pay again: its owed monthly charge is charged again (same period).
    const result = prepaid
      ? { paid: false }
      : provider.retryInvoicePayment
        ? await callProvider(() =>
            provider.retryInvoicePayment!(
              { providerInvoiceId: row.dunningInvoiceId! },
              { idempotencyKey: `${organizationId}:dunning:${row.dunningInvoiceId}:${attempt}` },
            ),
          )
        : await this.recurring.retryOwed(manager, row, attempt, now);
    if (result.paid) {
      await manager.update(SubscriptionEntity, { organizationId }, { status: 'ACTIVE', ...clearedDunning() });
      return [
        { to: row.billingEmail, notice: { kind: 'payment-received', plan: row.plan, reactivated: false } },
      ];
    }
    const schedule = this.config.DUNNING_RETRY_DAYS;
    if (attempt >= schedule.length) {
      await manager.update(
        SubscriptionEntity,
        { organizationId },
        { status: 'SUSPENDED', dunningRetries: attempt, nextRetryAt: null, suspendedAt: now },
      );
      await this.applier.publishSuspended(manager, organizationId, row.plan, now);
      return [{ to: row.billingEmail, notice: { kind: 'suspended', plan: row.plan } }];
    }
    const nextRetryAt = dunningDay(row.pastDueSince!, schedule[attempt]!);
    await manager.update(SubscriptionEntity, { organizationId }, { dunningRetries: attempt, nextRetryAt });
    if (prepaid) {
      const suspendOn = suspensionDay(row.pastDueSince!, schedule);
      return [
        {
          to: row.billingEmail,
          notice: { kind: 'renewal-due', plan: row.plan, periodEnd: row.pastDueSince!, suspendOn },
        },
      ];
    }
    return [{ to: row.billingEmail, notice: { kind: 'retry-failed', plan: row.plan, attempt, nextRetryAt } }];
  }
}
