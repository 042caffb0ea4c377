import { z } from 'zod';
import { PLAN_CODES } from '../billing/plans';
import { USAGE_METRICS } from '../billing/usage';

const plan = z.enum(PLAN_CODES);
/** Dates travel as ISO strings (JSON) and are read back as Dates; producers pass Dates. */
const date = z.coerce.date();

/** One billing email, as the state change that decided it describes it (wording is the sender's). */
export const billingNoticeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('payment-failed'), plan, nextRetryAt: date }),
  z.object({
    kind: z.literal('retry-failed'),
    plan,
    attempt: z.number().int().positive(),
    nextRetryAt: date,
  }),
  z.object({ kind: z.literal('suspended'), plan }),
  /** The payment of the current prepaid month was refunded or charged back: pay again before `suspendOn`. */
  z.object({ kind: z.literal('payment-reversed'), plan, suspendOn: date }),
  /** A prepaid month (Mercado Pago) ends soon: the next one can be paid ahead now. */
  z.object({ kind: z.literal('renewal-reminder'), plan, periodEnd: date }),
  /** A prepaid month (Mercado Pago) ended unpaid: pay the next one before `suspendOn`. */
  z.object({ kind: z.literal('renewal-due'), plan, periodEnd: date, suspendOn: date }),
  z.object({ kind: z.literal('payment-received'), plan, reactivated: z.boolean() }),
  z.object({
    kind: z.literal('renewal-notice'),
    plan,
    chargeOn: date,
    amountCents: z.number().int().nonnegative(),
    currency: z.string().length(3),
  }),
  z.object({
    kind: z.literal('usage-threshold'),
    plan,
    metric: z.enum(USAGE_METRICS),
    thresholdPercent: z.number().int().positive(),
    used: z.number().nonnegative(),
    max: z.number().nonnegative(),
    periodEnd: date,
  }),
]);
export type BillingNotice = z.output<typeof billingNoticeSchema>;

/**
 * `payments.billing-notice.requested`: payments' own durable mail queue. Written to payments'
 * outbox in the transaction that decided the email, consumed by payments itself (SMTP, retries,
 * dead-letter queue). `mailKey` is unique per organization and names the decision (a redelivery or
 * a re-publish finds it already sent). No address travels: the sender reads the organization's
 * billing address when it sends, so no personal data sits in the broker and a corrected address
 * is the one used.
 */
export const billingNoticeRequestedSchema = z.object({
  organizationId: z.string().min(1),
  mailKey: z.string().min(1).max(200),
  notice: billingNoticeSchema,
});
