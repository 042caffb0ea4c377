import { z } from 'zod';
import { PLAN_CODES } from '../billing/plans';
import { USAGE_METRICS } from '../billing/usage';
import { pageRequestSchema, pageResultSchema } from '../rpc/pagination';

/**
 * The payments service's RPC patterns (`payments.<entity>.<verb>`). Values are wire names: never
 * rename one without a migration plan. Every pattern acts on the caller's organization (the
 * principal's), never on one named in `data`.
 */
export const PAYMENTS_RPC = {
  createCheckoutSession: 'payments.checkout-session.create',
  createPortalSession: 'payments.portal-session.create',
  getSubscription: 'payments.subscription.get',
  changePlan: 'payments.subscription.change-plan',
  cancelSubscription: 'payments.subscription.cancel',
  listInvoices: 'payments.invoice.list',
  renderInvoice: 'payments.invoice.render',
  getUsage: 'payments.usage.get',
} as const;
export type PaymentsRpcPattern = (typeof PAYMENTS_RPC)[keyof typeof PAYMENTS_RPC];

export const SUBSCRIPTION_STATUSES = ['TRIAL', 'ACTIVE', 'PAST_DUE', 'SUSPENDED', 'CANCELLED'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const PAYMENT_PROVIDERS = ['stripe', 'azul', 'mercadopago'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/** Plans a customer can buy (FREE is what an organization has without a subscription). */
export const PAID_PLAN_CODES = ['STARTER', 'PROFESSIONAL', 'ENTERPRISE'] as const;
export type PaidPlanCode = (typeof PAID_PLAN_CODES)[number];

/** Where the hosted checkout/portal sends the browser back: absolute http(s) URLs only. */
const returnUrl = z
  .string()
  .url()
  .max(2048)
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) URL');
const timestamp = z.string().datetime().nullable();

/** The organization's subscription as its members see it. */
export const subscriptionSchema = z.object({
  plan: z.enum(PLAN_CODES),
  status: z.enum(SUBSCRIPTION_STATUSES),
  provider: z.enum(PAYMENT_PROVIDERS).nullable(),
  currentPeriodStart: timestamp,
  currentPeriodEnd: timestamp,
  /** True after "cancel at period end": the plan stays until `currentPeriodEnd`, then FREE. */
  cancelAtPeriodEnd: z.boolean(),
  /** Set while PAST_DUE: when the next automatic payment retry runs. */
  nextPaymentRetryAt: timestamp,
  updatedAt: timestamp,
});
export type SubscriptionDto = z.infer<typeof subscriptionSchema>;

export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'uncollectible', 'void'] as const;

/** Our own record of one provider invoice/charge (amounts in the currency's minor unit). */
export const invoiceSchema = z.object({
  id: z.string().uuid(),
  provider: z.enum(PAYMENT_PROVIDERS),
  number: z.string().nullable(),
  status: z.enum(INVOICE_STATUSES),
  currency: z.string(),
  subtotalCents: z.number().int(),
  taxCents: z.number().int(),
  totalCents: z.number().int(),
  amountPaidCents: z.number().int(),
  plan: z.enum(PLAN_CODES).nullable(),
  periodStart: timestamp,
  periodEnd: timestamp,
  paidAt: timestamp,
  createdAt: z.string().datetime(),
});
export type InvoiceDto = z.infer<typeof invoiceSchema>;

/**
 * One metered quantity in the current billing period (the subscription's, or the calendar month
 * without one). `limit` and `percent` are null when the plan sets no limit for the metric.
 */
export const usageItemSchema = z.object({
  metric: z.enum(USAGE_METRICS),
  used: z.number().int().nonnegative(),
  limit: z.number().int().positive().nullable(),
  /** used / limit × 100, rounded down; may pass 100 (a limit lowered by a downgrade). */
  percent: z.number().int().nonnegative().nullable(),
  plan: z.enum(PLAN_CODES),
  periodStart: z.string().datetime(),
  periodEnd: z.string().datetime(),
});
export type UsageItemDto = z.infer<typeof usageItemSchema>;

export const paymentsRpcSchemas = {
  [PAYMENTS_RPC.createCheckoutSession]: {
    request: z.object({ plan: z.enum(PAID_PLAN_CODES), successUrl: returnUrl, cancelUrl: returnUrl }),
    result: z.object({ sessionId: z.string(), url: z.string().url(), expiresAt: timestamp }),
  },
  [PAYMENTS_RPC.createPortalSession]: {
    request: z.object({ returnUrl }),
    result: z.object({ url: z.string().url() }),
  },
  [PAYMENTS_RPC.getSubscription]: { request: z.object({}), result: subscriptionSchema },
  /** Prorated by the provider; the new plan applies once the provider confirms it (webhook). */
  [PAYMENTS_RPC.changePlan]: {
    request: z.object({ plan: z.enum(PAID_PLAN_CODES) }),
    result: subscriptionSchema,
  },
  [PAYMENTS_RPC.cancelSubscription]: {
    request: z.object({}),
    result: subscriptionSchema,
  },
  /** Newest first, one keyset page. */
  [PAYMENTS_RPC.listInvoices]: {
    request: pageRequestSchema,
    result: pageResultSchema(invoiceSchema),
  },
  /** A standalone HTML document of one invoice (404 when absent or another organization's). */
  [PAYMENTS_RPC.renderInvoice]: {
    request: z.object({ id: z.string().uuid() }),
    result: z.object({
      fileName: z.string(),
      contentType: z.literal('text/html; charset=utf-8'),
      html: z.string(),
    }),
  },
  /** Usage of the current period, every metric or the one named (`?metric=`). */
  [PAYMENTS_RPC.getUsage]: {
    request: z.object({ metric: z.enum(USAGE_METRICS).optional() }).strict(),
    result: z.object({ items: z.array(usageItemSchema) }),
  },
} as const;
