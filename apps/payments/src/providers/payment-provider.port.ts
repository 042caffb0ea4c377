import type { PaidPlanCode, PaymentProviderName, PlanCode } from '@platform/contracts';

/**
 * THE payment-provider port. Stripe, AZUL and Mercado Pago each implement it in
 * `providers/<name>/` (an adapter over the provider's real SDK or wire API); the payments use cases
 * and the webhook inbox speak only this. A provider that cannot do an operation leaves it out and
 * does not list its capability — callers check `capabilities` first, never catch "not supported".
 *
 * Rules for every adapter:
 * - Every operation that creates or changes money or a subscription takes `ProviderCallOptions`
 *   and passes `idempotencyKey` to the provider (Stripe `Idempotency-Key`, AZUL `CustomOrderId`,
 *   Mercado Pago `X-Idempotency-Key`), so a retried request never charges twice.
 * - Provider failures are thrown as `PaymentProviderFailure` (below) — never the SDK's own errors —
 *   so the use cases map them to problem+json PAYMENT_PROVIDER_ERROR in one place.
 * - Our organization id travels with every provider object we create (Stripe `metadata` /
 *   `client_reference_id`, AZUL custom order id prefix, Mercado Pago `external_reference`), so a
 *   webhook names its tenant without trusting anything else in the payload.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  readonly capabilities: ReadonlySet<ProviderCapability>;

  /** The provider-side customer of one organization (created once; we store its id). */
  createCustomer(input: CreateCustomerInput, options: ProviderCallOptions): Promise<ProviderCustomer>;

  /** Hosted checkout for a recurring plan (`hosted-checkout`): where to send the browser. */
  createCheckout?(input: CheckoutInput, options: ProviderCallOptions): Promise<CheckoutSession>;

  /**
   * A hosted page that saves a card for later off-session charges, charging nothing (`card-setup`;
   * Stripe Checkout in setup mode). The provider's webhook then reports `card.saved`.
   */
  createCardSetup?(input: CardSetupInput, options: ProviderCallOptions): Promise<CheckoutSession>;

  /** Self-service management page (`billing-portal`). */
  createPortalSession?(input: PortalInput, options: ProviderCallOptions): Promise<PortalSession>;

  /** One-off or recurring charge on a stored payment token (`direct-charge`; AZUL Sale/Hold). */
  charge?(input: ChargeInput, options: ProviderCallOptions): Promise<ChargeResult>;

  /** Captures a previous hold (`capture`; AZUL Post). */
  capture?(input: CaptureInput, options: ProviderCallOptions): Promise<ChargeResult>;

  /** Refunds a settled charge, in full or in part (`refund`). */
  refund?(input: RefundInput, options: ProviderCallOptions): Promise<RefundResult>;

  /** Voids an unsettled charge or hold (`void`). */
  void?(input: VoidInput, options: ProviderCallOptions): Promise<RefundResult>;

  /** Moves a provider-managed subscription to another plan (`subscription-management`). */
  changeSubscriptionPlan?(
    input: ChangePlanInput,
    options: ProviderCallOptions,
  ): Promise<ProviderSubscriptionSnapshot>;

  /** Cancels at the end of the paid period (`subscription-management`). */
  cancelSubscriptionAtPeriodEnd?(
    input: { providerSubscriptionId: string },
    options: ProviderCallOptions,
  ): Promise<ProviderSubscriptionSnapshot>;

  /** Attempts to collect an open invoice again (`invoice-retry`; dunning). */
  retryInvoicePayment?(
    input: { providerInvoiceId: string },
    options: ProviderCallOptions,
  ): Promise<InvoicePaymentAttempt>;

  /**
   * Checks a webhook's authenticity (signature over the RAW bytes, timestamp tolerance) and returns
   * its identity. Throws `WebhookVerificationError` when it does not verify. Pure: no I/O, so the
   * HTTP handler can answer fast after storing it in the inbox.
   */
  verifyWebhook(request: RawWebhookRequest, now: Date): VerifiedWebhook;

  /**
   * Turns a stored (already verified) webhook body into normalized events. May call the provider
   * (Mercado Pago notifications carry only an id). `[]` for event types we do not act on.
   * Runs in the durable inbox processor, possibly again after a crash: must have no side effects
   * at the provider.
   */
  normalizeWebhook(webhook: StoredWebhook): Promise<NormalizedProviderEvent[]>;
}

export type ProviderCapability =
  | 'hosted-checkout'
  | 'billing-portal'
  | 'card-setup'
  | 'direct-charge'
  | 'capture'
  | 'refund'
  | 'void'
  | 'subscription-management'
  | 'invoice-retry'
  | 'three-d-secure';

export interface ProviderCallOptions {
  /** Derived from the caller's Idempotency-Key (or the job's own deterministic key). */
  idempotencyKey?: string;
}

export interface CreateCustomerInput {
  organizationId: string;
  email?: string;
  name?: string;
}

export interface ProviderCustomer {
  providerCustomerId: string;
}

export interface CheckoutInput {
  organizationId: string;
  providerCustomerId: string;
  plan: PaidPlanCode;
  successUrl: string;
  cancelUrl: string;
  /** A prepaid month paid before the current one ends: the month bought starts here. */
  renewsFrom?: Date;
}

export interface CardSetupInput {
  organizationId: string;
  providerCustomerId: string;
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutSession {
  sessionId: string;
  url: string;
  expiresAt: Date | null;
}

export interface PortalInput {
  providerCustomerId: string;
  returnUrl: string;
}

export interface PortalSession {
  url: string;
}

export interface ChargeInput {
  organizationId: string;
  /** A stored payment token (AZUL DataVault token, Stripe customer...). */
  paymentToken: string;
  /** Stripe: which saved card (PaymentMethod) of the customer in `paymentToken`; else its default. */
  paymentMethodId?: string;
  amountCents: number;
  /** Part of `amountCents` that is tax (ITBIS for AZUL). */
  taxCents: number;
  currency: string;
  description: string;
  /** Hold (authorize only) instead of sale; capture later. */
  authorizeOnly?: boolean;
  /** 3-D Secure 2.0 browser data / return URL when the provider supports a challenge. */
  threeDSecure?: { returnUrl: string; browserInfo?: Record<string, string> };
}

export interface CaptureInput {
  providerChargeId: string;
  amountCents?: number;
}

export type ChargeStatus = 'succeeded' | 'authorized' | 'declined' | 'requires_action' | 'pending';

export interface ChargeResult {
  providerChargeId: string;
  status: ChargeStatus;
  /** Provider's own code/message on decline (shown to nobody but logs and the invoice record). */
  declineCode?: string;
  declineMessage?: string;
  /** `requires_action`: where the browser completes the 3-D Secure challenge. */
  challengeUrl?: string;
}

export interface RefundInput {
  providerChargeId: string;
  /** Omitted: the whole charge. */
  amountCents?: number;
}

export interface VoidInput {
  providerChargeId: string;
}

export interface RefundResult {
  providerRefundId: string;
  status: 'succeeded' | 'pending' | 'failed';
}

export interface ChangePlanInput {
  providerSubscriptionId: string;
  plan: PaidPlanCode;
  /** true: the provider prorates the remaining period (Stripe `create_prorations`). */
  prorate: boolean;
}

/** Provider subscription states, as a provider reports them (our own status is derived). */
export type ProviderSubscriptionStatus =
  'incomplete' | 'trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled' | 'paused';

export interface ProviderSubscriptionSnapshot {
  providerSubscriptionId: string;
  providerCustomerId: string;
  /** Our organization, from the metadata we attached when creating it (null when absent). */
  organizationId: string | null;
  /** null when the provider's price is none of our plans. */
  plan: PlanCode | null;
  status: ProviderSubscriptionStatus;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

export interface InvoicePaymentAttempt {
  providerInvoiceId: string;
  paid: boolean;
  declineCode?: string;
}

export interface ProviderInvoice {
  providerInvoiceId: string;
  providerCustomerId: string;
  providerSubscriptionId: string | null;
  organizationId: string | null;
  number: string | null;
  status: 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
  currency: string;
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  amountPaidCents: number;
  plan: PlanCode | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  paidAt: Date | null;
  /** How many collection attempts the provider made (Stripe `attempt_count`). */
  attemptCount: number;
}

/** The raw HTTP request of a webhook: the body byte-exact, header names lower-case. */
export interface RawWebhookRequest {
  rawBody: Buffer;
  headers: Readonly<Record<string, string | undefined>>;
  /** The query string (Mercado Pago signs `data.id` from it). */
  query?: Readonly<Record<string, string | undefined>>;
}

/** What the inbox stores: unique by (provider, providerEventId). */
export interface VerifiedWebhook {
  providerEventId: string;
  type: string;
  /** When the provider created the event (ordering aid; never trusted for authentication). */
  createdAt: Date;
  /** The parsed body (JSON) as the provider sent it. */
  payload: unknown;
}

export interface StoredWebhook extends VerifiedWebhook {
  provider: PaymentProviderName;
}

/**
 * Provider-neutral facts the payments service applies. `version` orders facts about one provider
 * object: the inbox processor never applies a fact older than the one it already applied (webhooks
 * arrive out of order and twice). Use the provider object's own timestamp/sequence, in ms.
 */
export type NormalizedProviderEvent =
  | {
      kind: 'checkout.completed';
      organizationId: string | null;
      providerCustomerId: string;
      providerSubscriptionId: string | null;
      plan: PlanCode | null;
      /** The address the payer gave on the provider's page (dunning and receipts go there). */
      billingEmail: string | null;
      version: number;
    }
  | { kind: 'subscription.updated'; subscription: ProviderSubscriptionSnapshot; version: number }
  | { kind: 'subscription.deleted'; subscription: ProviderSubscriptionSnapshot; version: number }
  | { kind: 'invoice.paid'; invoice: ProviderInvoice; version: number }
  | { kind: 'invoice.payment-failed'; invoice: ProviderInvoice; version: number }
  | {
      /** A direct charge settled/declined/refunded (AZUL, Mercado Pago payments). */
      kind: 'charge.updated';
      organizationId: string | null;
      providerChargeId: string;
      status: ChargeStatus | 'refunded' | 'voided';
      amountCents: number;
      currency: string;
      /** The plan the charge pays for (from the metadata we attached), null when unknown. */
      plan: PlanCode | null;
      /** When the provider approved it (the paid period starts then); null until approved. */
      paidAt: Date | null;
      /** A renewal paid ahead: the period it buys starts here rather than at `paidAt`. */
      periodStart?: Date | null;
      version: number;
    }
  | {
      /**
       * A card was saved for off-session charges (Stripe Checkout in setup mode completed): the
       * fallback of AZUL's monthly charges. `providerCustomerId` is the customer it belongs to.
       */
      kind: 'card.saved';
      organizationId: string | null;
      providerCustomerId: string;
      paymentMethodId: string;
      brand: string | null;
      last4: string | null;
      version: number;
    }
  | {
      /**
       * The cardholder finished a 3-D Secure step of a customer-present charge (AZUL): the issuer's
       * cRes came back to our TermUrl (`challenge`), or the method iframe ran (`method`). Applying it
       * continues the charge at the provider, which decides. The organization and the charge's
       * idempotency key come from OUR signed callback token, never from the posted form.
       */
      kind: 'three-ds.completed';
      organizationId: string;
      idempotencyKey: string;
      step: 'method' | 'challenge';
      cRes: string | null;
      version: number;
    };

/** Thrown by `verifyWebhook`: bad signature, stale timestamp, malformed body. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly provider: PaymentProviderName,
    readonly reason: 'missing-signature' | 'bad-signature' | 'stale-timestamp' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Thrown by every adapter operation the provider refused or failed. */
export class PaymentProviderFailure extends Error {
  constructor(
    readonly provider: PaymentProviderName,
    /** The provider's own code (`card_declined`, `resource_missing`, AZUL `IsoCode`...). */
    readonly providerCode: string,
    message: string,
    /** true when retrying later may succeed (timeouts, 5xx, rate limits). */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'PaymentProviderFailure';
  }
}

/** Nest injection token of the registry of configured providers (Map<PaymentProviderName, PaymentProvider>). */
export const PAYMENT_PROVIDERS_TOKEN = Symbol('PAYMENT_PROVIDERS');
