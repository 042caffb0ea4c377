import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { TenantDatabase } from '@platform/tenancy';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { BillingNotices, type PendingNotice } from '../mail/billing-notices';
import { Clock } from '../shared/clock';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';
import {
  lastPeriodEndInWindow,
  paidAheadMonth,
  renewalWindowOpensAt,
} from '../subscriptions/prepaid-renewal';
import { startedDunning, suspensionDay } from '../subscriptions/subscription-lifecycle';
import { sweepSubscriptions } from '../subscriptions/subscription-sweep';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';

/**
 * Mercado Pago months are prepaid: a Checkout Pro payment buys one period and nothing renews it (no
 * stored card, no provider subscription). When such a period ends unpaid, the subscription goes
 * PAST_DUE from the period's end — the organization keeps working — with a `renewal-due` email
 * saying how to pay the next month and by when; DunningJob then sends a reminder on each day of
 * DUNNING_RETRY_DAYS and suspends after the last, as for a card that keeps failing. A payment of a
 * new checkout at any point makes it ACTIVE again (DirectChargeApplier). RECURRING_NOTICE_DAYS
 * before the end a `renewal-reminder` says the next month can be paid ahead; a month paid ahead
 * becomes the current one at the end instead (no dunning, no email). Without this pass a paid
 * month would have kept the plan forever. Each organization in its own transaction, row locked and
 * re-checked, so replicas and reruns change it once. Run by DunningJob at the start of each of its
 * passes (DUNNING_POLL_MS), so a lapsed month enters dunning in the same pass.
 */
@Injectable()
export class PrepaidPeriodEnd {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly subscriptions: SubscriptionRepository,
    private readonly notices: BillingNotices,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Moves every prepaid subscription whose period ended to PAST_DUE; answers the organizations moved. */
  async runDue(): Promise<string[]> {
    const now = this.clock.now();
    return sweepSubscriptions(
      { tenants: this.tenants, notices: this.notices, logger: this.logger },
      {
        scan: 'payments.prepaid-period-end.scan',
        where: `s.provider = 'mercadopago' AND s.status = 'ACTIVE' AND s.current_period_end <= :now`,
        parameters: { now },
        orderBy: 's.current_period_end',
        decide: (manager, organizationId) => this.endPeriod(manager, organizationId, now),
        cause: `prepaid-period-end:${now.toISOString()}`,
        failure: 'prepaid period end failed; next run tries again',
        report: 'noticed',
      },
    );
  }

  /** Sends each prepaid month entering its renewal window its reminder, once; answers those reminded. */
  async remindDue(): Promise<string[]> {
    const now = this.clock.now();
    return sweepSubscriptions(
      { tenants: this.tenants, notices: this.notices, logger: this.logger },
      {
        scan: 'payments.prepaid-renewal-reminder.scan',
        where: `s.provider = 'mercadopago' AND s.status = 'ACTIVE' AND s.current_period_end > :now
          AND s.current_period_end <= :windowEnd
          AND s.prepaid_reminded_for IS DISTINCT FROM s.current_period_end`,
        parameters: { now, windowEnd: lastPeriodEndInWindow(now, this.config.RECURRING_NOTICE_DAYS) },
        orderBy: 's.current_period_end',
        decide: (manager, organizationId) => this.remind(manager, organizationId, now),
        cause: `prepaid-renewal-reminder:${now.toISOString()}`,
        failure: 'prepaid renewal reminder failed; next run tries again',
        report: 'noticed',
      },
    );
  }

  private async remind(manager: EntityManager, organizationId: string, now: Date): Promise<PendingNotice[]> {
    const row = await this.subscriptions.findForUpdate(organizationId, manager);
    const periodEnd = row?.currentPeriodEnd;
    if (!row || row.provider !== 'mercadopago' || row.status !== 'ACTIVE' || !periodEnd) return [];
    if (periodEnd <= now || now < renewalWindowOpensAt(periodEnd, this.config.RECURRING_NOTICE_DAYS))
      return [];
    if (row.prepaidRemindedFor?.getTime() === periodEnd.getTime()) return [];
    await manager.update(SubscriptionEntity, { organizationId }, { prepaidRemindedFor: periodEnd });
    // Paid ahead already (before the window's pass ran): nothing to remind.
    if (await paidAheadMonth(manager, 'mercadopago', periodEnd)) return [];
    return [{ to: row.billingEmail, notice: { kind: 'renewal-reminder', plan: row.plan, periodEnd } }];
  }

  private async endPeriod(
    manager: EntityManager,
    organizationId: string,
    now: Date,
  ): Promise<PendingNotice[]> {
    const row = await this.subscriptions.findForUpdate(organizationId, manager);
    const periodEnd = row?.currentPeriodEnd;
    if (!row || row.provider !== 'mercadopago' || row.status !== 'ACTIVE' || !periodEnd || periodEnd > now)
      return [];
    // The next month was paid ahead: it becomes the current one, nothing is owed.
    const ahead = await paidAheadMonth(manager, 'mercadopago', periodEnd);
    if (ahead) {
      await manager.update(
        SubscriptionEntity,
        { organizationId },
        {
          currentPeriodStart: periodEnd,
          currentPeriodEnd: ahead.periodEnd,
          // A redelivered notification of that payment is then older than what is applied.
          providerVersion: Math.max(row.providerVersion, ahead.providerVersion),
        },
      );
      return [];
    }
    const schedule = this.config.DUNNING_RETRY_DAYS;
    // What is owed: the month after this one (no provider invoice behind it).
    const owed = `mercadopago:renewal:${periodEnd.toISOString()}`;
    await manager.update(SubscriptionEntity, { organizationId }, startedDunning(owed, periodEnd, schedule));
    return [
      {
        to: row.billingEmail,
        notice: {
          kind: 'renewal-due',
          plan: row.plan,
          periodEnd,
          suspendOn: suspensionDay(periodEnd, schedule),
        },
      },
    ];
  }
}
