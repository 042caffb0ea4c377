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
  startAzulPayment: 'payments.azul-payment.start',
  getAzulPayment: 'payments.azul-payment.get',
  getUsage: 'payments.usage.get',
  setupFallbackCard: 'payments.fallback-card.setup',
} as const;
export type PaymentsRpcPattern = (typeof PAYMENTS_RPC)[keyof typeof PAYMENTS_RPC];

export const SUBSCRIPTION_STATUSES = ['TRIAL', 'ACTIVE', 'PAST_DUE', 'SUSPENDED', 'CANCELLED'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const PAYMENT_PROVIDERS = ['stripe', 'azul', 'mercadopago'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/** Providers with a hosted checkout page an organization may choose. */
export const CHECKOUT_PROVIDERS = ['stripe', 'mercadopago'] as const;

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
  /**
   * The Stripe card that pays AZUL's monthly charge while AZUL is down (seed 003); null until one
   * is saved through `POST /v1/payments/azul/fallback-card`.
   */
  fallbackCard: z
    .object({
      provider: z.literal('stripe'),
      brand: z.string().nullable(),
      last4: z.string().nullable(),
      savedAt: z.string().datetime(),
    })
    .nullable(),
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
  /** Given back by the provider (refund or chargeback); 0 when nothing was. The status stays `paid`. */
  amountRefundedCents: z.number().int().nonnegative(),
  refundedAt: timestamp,
  createdAt: z.string().datetime(),
});
export type InvoiceDto = z.infer<typeof invoiceSchema>;

/**
 * A customer-present AZUL payment of a plan (DOP, ITBIS included in `amountCents`, its part in
 * `taxCents`). While `requires_action`, `threeDs` says what the cardholder's browser does next:
 * `method` → render `methodForm` (hidden iframe); `challenge` → auto-submit a form POSTing `creq` to
 * `redirectPostUrl`. The issuer's page then posts back to /v1/webhooks/azul and the payment moves on.
 */
export const azulPaymentSchema = z.object({
  id: z.string().uuid(),
  plan: z.enum(PAID_PLAN_CODES),
  status: z.enum(['requires_action', 'succeeded', 'declined']),
  amountCents: z.number().int(),
  taxCents: z.number().int(),
  currency: z.string(),
  threeDs: z
    .object({
      step: z.enum(['method', 'challenge']),
      redirectPostUrl: z.string().url().optional(),
      creq: z.string().optional(),
      methodForm: z.string().optional(),
    })
    .nullable(),
  createdAt: z.string().datetime(),
});
export type AzulPaymentDto = z.infer<typeof azulPaymentSchema>;

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
    request: z.object({
      plan: z.enum(PAID_PLAN_CODES),
      successUrl: returnUrl,
      cancelUrl: returnUrl,
      /** Who hosts the page: Stripe Checkout (default) or Mercado Pago Checkout Pro (seed 004). */
      provider: z.enum(CHECKOUT_PROVIDERS).default('stripe'),
    }),
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
  /**
   * The first AZUL payment of a plan, with the cardholder present (3-D Secure 2.0). `paymentToken` is
   * the card's AZUL DataVault token (from AZUL's payment page; card numbers never cross our API).
   */
  [PAYMENTS_RPC.startAzulPayment]: {
    request: z.object({
      plan: z.enum(PAID_PLAN_CODES),
      paymentToken: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'must be an AZUL DataVault token'),
      cardHolderName: z.string().trim().min(1).max(100).optional(),
      email: z.string().email().max(254).optional(),
    }),
    result: azulPaymentSchema,
  },
  /** One AZUL payment of the organization (404 when absent or another organization's). */
  [PAYMENTS_RPC.getAzulPayment]: {
    request: z.object({ id: z.string().uuid() }),
    result: azulPaymentSchema,
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
  /**
   * A Stripe Checkout page in setup mode that saves a card (no charge) to take AZUL's monthly charge
   * while AZUL's breaker is open. AZUL-billed subscriptions only; the card counts once Stripe's
   * `checkout.session.completed` arrives (see `fallbackCard` of the subscription).
   */
  [PAYMENTS_RPC.setupFallbackCard]: {
    request: z.object({ successUrl: returnUrl, cancelUrl: returnUrl }),
    result: z.object({ sessionId: z.string(), url: z.string().url(), expiresAt: timestamp }),
  },
  /** Usage of the current period, every metric or the one named (`?metric=`). */
  [PAYMENTS_RPC.getUsage]: {
    request: z.object({ metric: z.enum(USAGE_METRICS).optional() }).strict(),
    result: z.object({
      items: z.array(usageItemSchema),
      /**
       * The plan's API rate (requests per minute, burst), the one the gateway's organization bucket
       * enforces: its `RateLimit-Limit` for that bucket is `burst`. API calls have no period cap.
       */
      rateLimit: z.object({
        plan: z.enum(PLAN_CODES),
        requestsPerMinute: z.number().int().positive(),
        burst: z.number().int().positive(),
      }),
    }),
  },
} as const;
