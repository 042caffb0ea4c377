import type { BillingNotice, UsageMetric } from '@platform/contracts';

const METRIC_WORDS: Record<UsageMetric, string> = {
  apiCalls: 'API calls',
  recordings: 'recordings',
  storageBytes: 'bytes of storage',
  members: 'members',
};

const day = (date: Date) => date.toISOString().slice(0, 10);
/** Minor units as a plain decimal amount: 295000 DOP → "DOP 2950.00". */
const money = (cents: number, currency: string) => `${currency} ${(cents / 100).toFixed(2)}`;

/** The subject and text of a billing notice (the wording lives here, the facts in the notice). */
export function composeBillingNotice(notice: BillingNotice): { subject: string; text: string } {
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
        text: `The payment for your ${notice.plan} plan could not be collected after several attempts, so your organization is suspended. Pay what is owed from the billing page (the open invoice, or a new checkout for a Mercado Pago month) to reopen it at once.`,
      };
    case 'payment-reversed':
      return {
        subject: `The payment for your ${notice.plan} plan was reversed`,
        text: `The Mercado Pago payment for the current month of your ${notice.plan} plan was refunded or charged back, so that month is no longer paid. Pay it from the billing page (checkout with Mercado Pago) before ${day(notice.suspendOn)}, when the organization would be suspended.`,
      };
    case 'renewal-reminder':
      return {
        subject: `Your ${notice.plan} plan's month ends on ${day(notice.periodEnd)}`,
        text: `The month you paid for your ${notice.plan} plan with Mercado Pago ends on ${day(notice.periodEnd)}, and Mercado Pago payments do not renew by themselves. You can pay the next month now from the billing page (checkout with Mercado Pago, same plan): it starts when this one ends, so no day is lost.`,
      };
    case 'renewal-due':
      return {
        subject: `Your ${notice.plan} plan's month has ended: renew it`,
        text: `The month you paid for your ${notice.plan} plan with Mercado Pago ended on ${day(notice.periodEnd)}. Mercado Pago payments do not renew by themselves: pay the next month from the billing page (checkout with Mercado Pago) before ${day(notice.suspendOn)}, when the organization would be suspended.`,
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
