import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@platform/bootstrap';
import type { PlanCode, UsageMetric } from '@platform/contracts';
import { Mailer } from '@platform/mail';

export type BillingNotice =
  | { kind: 'payment-failed'; plan: PlanCode; nextRetryAt: Date }
  | { kind: 'retry-failed'; plan: PlanCode; attempt: number; nextRetryAt: Date }
  | { kind: 'suspended'; plan: PlanCode }
  | { kind: 'payment-received'; plan: PlanCode; reactivated: boolean }
  | { kind: 'renewal-notice'; plan: PlanCode; chargeOn: Date; amountCents: number; currency: string }
  | {
      kind: 'usage-threshold';
      plan: PlanCode;
      metric: UsageMetric;
      thresholdPercent: number;
      used: number;
      max: number;
      periodEnd: Date;
    };

const METRIC_WORDS: Record<UsageMetric, string> = {
  apiCalls: 'API calls',
  recordings: 'recordings',
  storageBytes: 'bytes of storage',
  members: 'members',
};

const day = (date: Date) => date.toISOString().slice(0, 10);
/** Minor units as a plain decimal amount: 295000 DOP → "DOP 2950.00". */
const money = (cents: number, currency: string) => `${currency} ${(cents / 100).toFixed(2)}`;

function compose(notice: BillingNotice): { subject: string; text: string } {
  switch (notice.kind) {
    case 'payment-failed':
      return {
        subject: 'Your payment failed',
        text: `We could not collect the payment for your ${notice.plan} plan. We will try again on ${day(notice.nextRetryAt)}. Update your card in the billing portal to avoid an interruption.`,
      };
    case 'retry-failed':
      return {
        subject: `Payment retry ${notice.attempt} failed`,
        text: `Retry ${notice.attempt} of the payment for your ${notice.plan} plan failed. Next attempt: ${day(notice.nextRetryAt)}.`,
      };
    case 'suspended':
      return {
        subject: 'Your organization is suspended',
        text: `The payment for your ${notice.plan} plan could not be collected after several attempts, so your organization is suspended. Pay the open invoice in the billing portal to reopen it at once.`,
      };
    case 'renewal-notice':
      return {
        subject: `Your ${notice.plan} plan renews on ${day(notice.chargeOn)}`,
        text: `On ${day(notice.chargeOn)} we will charge ${money(notice.amountCents, notice.currency)} (ITBIS included) for the next month of your ${notice.plan} plan to the card on file.`,
      };
    case 'payment-received':
      return {
        subject: notice.reactivated
          ? 'Payment received: your organization is active again'
          : 'Payment received',
        text: `Thank you: the payment for your ${notice.plan} plan was received.${notice.reactivated ? ' Every feature is available again.' : ''}`,
      };
    case 'usage-threshold':
      return {
        subject: `You have used ${notice.thresholdPercent}% of your ${notice.plan} plan's ${METRIC_WORDS[notice.metric]}`,
        text: `Your organization uses ${notice.used} of the ${notice.max} ${METRIC_WORDS[notice.metric]} its ${notice.plan} plan allows (${notice.thresholdPercent}%) in the period ending ${day(notice.periodEnd)}.${notice.thresholdPercent >= 100 ? ' New ones are refused until some are freed or the plan is upgraded.' : ''} Upgrade the plan in the billing portal to raise the limit.`,
      };
  }
}

/**
 * Dunning and receipt emails to the billing address. Sent after the state change committed; a
 * failed send is logged and never undoes the change (the state is the source of truth, mail a courtesy).
 */
@Injectable()
export class BillingMail {
  constructor(
    private readonly mailer: Mailer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async send(to: string | null, notice: BillingNotice): Promise<void> {
    if (!to) {
      this.logger.warn({ notice: notice.kind }, 'billing notice not sent: no billing email on file');
      return;
    }
    try {
      await this.mailer.send({ to, ...compose(notice) });
    } catch (error) {
      this.logger.error({ err: error, notice: notice.kind }, 'billing notice could not be sent');
    }
  }
}
