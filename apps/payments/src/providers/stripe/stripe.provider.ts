import Stripe from 'stripe';
import type { PaymentsEnv } from '../../config/payments-env.schema';
import {
  PaymentProviderFailure,
  WebhookVerificationError,
  type ChangePlanInput,
  type ChargeInput,
  type ChargeResult,
  type CardSetupInput,
  type CheckoutInput,
  type CheckoutSession,
  type CreateCustomerInput,
  type InvoicePaymentAttempt,
  type NormalizedProviderEvent,
  type PaymentProvider,
  type PortalInput,
  type PortalSession,
  type ProviderCallOptions,
  type ProviderCapability,
  type ProviderCustomer,
  type ProviderSubscriptionSnapshot,
  type RawWebhookRequest,
  type StoredWebhook,
  type VerifiedWebhook,
} from '../payment-provider.port';
import {
  ORGANIZATION_METADATA_KEY,
  providerInvoice,
  stripeIdOf,
  subscriptionSnapshot,
} from './stripe-objects';
import { StripePlanPrices } from './stripe-plan-prices';

const PLAN_METADATA_KEY = 'plan';
/** Marks our setup-mode sessions (`metadata.purpose`): the card backs AZUL's monthly charge. */
const PURPOSE_METADATA_KEY = 'purpose';
const FALLBACK_CARD_PURPOSE = 'azul-fallback';

/**
 * The Stripe adapter of the payment-provider port, on Stripe's official SDK. `STRIPE_API_URL`
 * points the SDK at api.stripe.com or, in tests, at the local fake (libs/testing FakeStripe).
 * The SDK's own network retries are off: a retry is the caller's (same Idempotency-Key).
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  readonly capabilities: ReadonlySet<ProviderCapability> = new Set<ProviderCapability>([
    'hosted-checkout',
    'billing-portal',
    'card-setup',
    'subscription-management',
    'invoice-retry',
    'direct-charge',
  ]);
  private readonly stripe: Stripe;
  private readonly prices: StripePlanPrices;

  constructor(
    private readonly config: Pick<
      PaymentsEnv,
      | 'STRIPE_SECRET_KEY'
      | 'STRIPE_WEBHOOK_SECRET'
      | 'STRIPE_WEBHOOK_TOLERANCE_SECONDS'
      | 'STRIPE_API_URL'
      | 'STRIPE_TIMEOUT_MS'
      | 'STRIPE_PRICE_STARTER'
      | 'STRIPE_PRICE_PROFESSIONAL'
      | 'STRIPE_PRICE_ENTERPRISE'
    >,
  ) {
    const api = new URL(config.STRIPE_API_URL);
    this.stripe = new Stripe(config.STRIPE_SECRET_KEY!, {
      host: api.hostname,
      port: api.port || (api.protocol === 'https:' ? 443 : 80),
      protocol: api.protocol === 'https:' ? 'https' : 'http',
      timeout: config.STRIPE_TIMEOUT_MS,
      maxNetworkRetries: 0,
      telemetry: false,
    });
    this.prices = new StripePlanPrices(config);
  }

  async createCustomer(input: CreateCustomerInput, options: ProviderCallOptions): Promise<ProviderCustomer> {
    const customer = await this.request(() =>
      this.stripe.customers.create(
        {
          email: input.email,
          name: input.name,
          metadata: { [ORGANIZATION_METADATA_KEY]: input.organizationId },
        },
        { idempotencyKey: options.idempotencyKey },
      ),
    );
    return { providerCustomerId: customer.id };
  }

  async createCheckout(input: CheckoutInput, options: ProviderCallOptions): Promise<CheckoutSession> {
    const price = this.prices.priceOf(input.plan);
    if (!price) {
      throw new PaymentProviderFailure(
        'stripe',
        'price_not_configured',
        `No Stripe price for ${input.plan}`,
        false,
      );
    }
    const metadata = { [ORGANIZATION_METADATA_KEY]: input.organizationId, [PLAN_METADATA_KEY]: input.plan };
    const session = await this.request(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          customer: input.providerCustomerId,
          client_reference_id: input.organizationId,
          line_items: [{ price, quantity: 1 }],
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          metadata,
          // Copied by Stripe onto every invoice of the subscription: webhooks name their tenant.
          subscription_data: { metadata },
        },
        { idempotencyKey: options.idempotencyKey },
      ),
    );
    return hostedPage(session);
  }

  /**
   * Checkout in setup mode: the member enters a card on Stripe's page, nothing is charged, and the
   * SetupIntent it confirms makes the card usable off-session (what `charge` then does).
   */
  async createCardSetup(input: CardSetupInput, options: ProviderCallOptions): Promise<CheckoutSession> {
    const metadata = {
      [ORGANIZATION_METADATA_KEY]: input.organizationId,
      [PURPOSE_METADATA_KEY]: FALLBACK_CARD_PURPOSE,
    };
    const session = await this.request(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'setup',
          customer: input.providerCustomerId,
          client_reference_id: input.organizationId,
          // Cards only (what an off-session PaymentIntent charges here), for the DOP charges of AZUL's plans.
          allowed_payment_method_types: ['card'],
          currency: 'dop',
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          metadata,
          setup_intent_data: { metadata },
        },
        { idempotencyKey: options.idempotencyKey },
      ),
    );
    return hostedPage(session);
  }

  async createPortalSession(input: PortalInput, options: ProviderCallOptions): Promise<PortalSession> {
    const session = await this.request(() =>
      this.stripe.billingPortal.sessions.create(
        { customer: input.providerCustomerId, return_url: input.returnUrl },
        { idempotencyKey: options.idempotencyKey },
      ),
    );
    return { url: session.url };
  }

  async changeSubscriptionPlan(
    input: ChangePlanInput,
    options: ProviderCallOptions,
  ): Promise<ProviderSubscriptionSnapshot> {
    const price = this.prices.priceOf(input.plan);
    if (!price) {
      throw new PaymentProviderFailure(
        'stripe',
        'price_not_configured',
        `No Stripe price for ${input.plan}`,
        false,
      );
    }
    const current = await this.request(() =>
      this.stripe.subscriptions.retrieve(input.providerSubscriptionId),
    );
    const item = current.items.data[0];
    if (!item)
      throw new PaymentProviderFailure(
        'stripe',
        'subscription_has_no_items',
        'Subscription has no items',
        false,
      );
    const updated = await this.request(() =>
      this.stripe.subscriptions.update(
        input.providerSubscriptionId,
        {
          items: [{ id: item.id, price }],
          proration_behavior: input.prorate ? 'create_prorations' : 'none',
          metadata: { [PLAN_METADATA_KEY]: input.plan },
        },
        { idempotencyKey: options.idempotencyKey },
      ),
    );
    return subscriptionSnapshot(updated, this.prices);
  }

  async cancelSubscriptionAtPeriodEnd(
    input: { providerSubscriptionId: string },
    options: ProviderCallOptions,
  ): Promise<ProviderSubscriptionSnapshot> {
    const updated = await this.request(() =>
      this.stripe.subscriptions.update(
        input.providerSubscriptionId,
        { cancel_at_period_end: true },
        { idempotencyKey: options.idempotencyKey },
      ),
    );
    return subscriptionSnapshot(updated, this.prices);
  }

  async retryInvoicePayment(
    input: { providerInvoiceId: string },
    options: ProviderCallOptions,
  ): Promise<InvoicePaymentAttempt> {
    try {
      const invoice = await this.stripe.invoices.pay(
        input.providerInvoiceId,
        {},
        {
          idempotencyKey: options.idempotencyKey,
        },
      );
      return { providerInvoiceId: input.providerInvoiceId, paid: invoice.status === 'paid' };
    } catch (error) {
      // A decline is an answer, not a failure of the call.
      if (error instanceof Stripe.errors.StripeCardError) {
        return {
          providerInvoiceId: input.providerInvoiceId,
          paid: false,
          declineCode: error.code ?? 'card_declined',
        };
      }
      throw this.failure(error);
    }
  }

  /**
   * An off-session charge of a customer's saved card (the fallback of AZUL's monthly charges while
   * AZUL's breaker is open): `paymentToken` is the Stripe customer; its default payment method pays.
   * A PaymentIntent confirmed at creation, under the caller's deterministic idempotency key, so a
   * retried charge is answered by Stripe with the first intent instead of charging again. A decline
   * is an answer (`declined`), not a failure.
   */
  async charge(input: ChargeInput, options: ProviderCallOptions): Promise<ChargeResult> {
    if (!options.idempotencyKey) {
      throw new PaymentProviderFailure(
        'stripe',
        'idempotency_key_missing',
        'A charge needs an idempotency key',
        false,
      );
    }
    const paymentMethod = input.paymentMethodId ?? (await this.defaultPaymentMethodOf(input.paymentToken));
    if (!paymentMethod) {
      throw new PaymentProviderFailure(
        'stripe',
        'no_default_payment_method',
        `Customer ${input.paymentToken} has no saved card to charge`,
        false,
      );
    }
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: input.amountCents,
          currency: input.currency.toLowerCase(),
          customer: input.paymentToken,
          payment_method: paymentMethod,
          off_session: true,
          confirm: true,
          description: input.description,
          metadata: { [ORGANIZATION_METADATA_KEY]: input.organizationId },
        },
        { idempotencyKey: options.idempotencyKey },
      );
      return {
        providerChargeId: intent.id,
        status:
          intent.status === 'succeeded'
            ? 'succeeded'
            : intent.status === 'requires_action'
              ? 'requires_action'
              : 'pending',
      };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        const intent = (error.raw as { payment_intent?: { id?: string } } | undefined)?.payment_intent;
        return {
          providerChargeId: intent?.id ?? '',
          status: 'declined',
          declineCode: error.decline_code ?? error.code ?? 'card_declined',
          declineMessage: error.message,
        };
      }
      throw this.failure(error);
    }
  }

  private async defaultPaymentMethodOf(customerId: string): Promise<string | null> {
    const customer = await this.request(() => this.stripe.customers.retrieve(customerId));
    return customer.deleted ? null : stripeIdOf(customer.invoice_settings?.default_payment_method ?? null);
  }

  verifyWebhook(request: RawWebhookRequest, now: Date): VerifiedWebhook {
    const signature = request.headers['stripe-signature'];
    if (!signature)
      throw new WebhookVerificationError('stripe', 'missing-signature', 'No Stripe-Signature header');
    if (!this.config.STRIPE_WEBHOOK_SECRET) {
      throw new WebhookVerificationError('stripe', 'bad-signature', 'No webhook secret is configured');
    }
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(
        request.rawBody,
        signature,
        this.config.STRIPE_WEBHOOK_SECRET,
        this.config.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
        undefined,
        // The SDK takes the receipt time in milliseconds (it divides by 1000 itself).
        now.getTime(),
      );
    } catch (error) {
      const message = (error as Error).message;
      const stale = /timestamp outside the tolerance zone/i.test(message);
      throw new WebhookVerificationError('stripe', stale ? 'stale-timestamp' : 'bad-signature', message);
    }
    if (
      typeof event?.id !== 'string' ||
      typeof event.type !== 'string' ||
      typeof event.created !== 'number'
    ) {
      throw new WebhookVerificationError('stripe', 'malformed', 'The event has no id, type or created');
    }
    return {
      providerEventId: event.id,
      type: event.type,
      createdAt: new Date(event.created * 1000),
      payload: event,
    };
  }

  async normalizeWebhook(webhook: StoredWebhook): Promise<NormalizedProviderEvent[]> {
    const event = webhook.payload as Stripe.Event;
    const version = event.created * 1000;
    switch (event.type) {
      case 'checkout.session.completed': {
        const session = event.data.object;
        if (session.mode === 'setup') return this.savedCard(session, version);
        if (session.mode !== 'subscription') return [];
        return [
          {
            kind: 'checkout.completed',
            organizationId:
              session.client_reference_id ?? session.metadata?.[ORGANIZATION_METADATA_KEY] ?? null,
            providerCustomerId: stripeIdOf(session.customer)!,
            providerSubscriptionId: stripeIdOf(session.subscription),
            plan: planFromMetadata(session.metadata),
            billingEmail: session.customer_details?.email ?? null,
            version,
          },
        ];
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
        return [
          {
            kind: 'subscription.updated',
            subscription: subscriptionSnapshot(event.data.object, this.prices),
            version,
          },
        ];
      case 'customer.subscription.deleted':
        return [
          {
            kind: 'subscription.deleted',
            subscription: subscriptionSnapshot(event.data.object, this.prices),
            version,
          },
        ];
      case 'invoice.paid':
        return [{ kind: 'invoice.paid', invoice: providerInvoice(event.data.object, this.prices), version }];
      case 'invoice.payment_failed':
        return [
          {
            kind: 'invoice.payment-failed',
            invoice: providerInvoice(event.data.object, this.prices),
            version,
          },
        ];
      default:
        return [];
    }
  }

  /**
   * A completed setup-mode session of ours: the card its SetupIntent saved (read from Stripe, the
   * event carries only the intent's id). Another purpose's session, or an intent that did not
   * succeed, saved nothing we use.
   */
  private async savedCard(
    session: Stripe.Checkout.Session,
    version: number,
  ): Promise<NormalizedProviderEvent[]> {
    const setupIntentId = stripeIdOf(session.setup_intent);
    const customerId = stripeIdOf(session.customer);
    if (session.metadata?.[PURPOSE_METADATA_KEY] !== FALLBACK_CARD_PURPOSE || !setupIntentId || !customerId)
      return [];
    const intent = await this.request(() =>
      this.stripe.setupIntents.retrieve(setupIntentId, { expand: ['payment_method'] }),
    );
    const paymentMethod = intent.payment_method;
    if (intent.status !== 'succeeded' || !paymentMethod) return [];
    const card = typeof paymentMethod === 'string' ? null : paymentMethod.card;
    return [
      {
        kind: 'card.saved',
        organizationId: session.client_reference_id ?? session.metadata?.[ORGANIZATION_METADATA_KEY] ?? null,
        providerCustomerId: customerId,
        paymentMethodId: stripeIdOf(paymentMethod)!,
        brand: card?.brand ?? null,
        last4: card?.last4 ?? null,
        version,
      },
    ];
  }

  /** Every SDK call: Stripe's errors become the port's PaymentProviderFailure. */
  private async request<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.failure(error);
    }
  }

  private failure(error: unknown): PaymentProviderFailure {
    if (error instanceof Stripe.errors.StripeError) {
      const transient =
        error instanceof Stripe.errors.StripeConnectionError ||
        error instanceof Stripe.errors.StripeAPIError ||
        error instanceof Stripe.errors.StripeRateLimitError;
      // Stripe's own words: the error code, else the error type as sent (`idempotency_error`...).
      const code = error.code ?? (error.raw as { type?: string } | undefined)?.type ?? error.type;
      return new PaymentProviderFailure('stripe', code, error.message, transient);
    }
    return new PaymentProviderFailure(
      'stripe',
      'unexpected',
      String((error as Error)?.message ?? error),
      true,
    );
  }
}

function planFromMetadata(metadata: Stripe.Metadata | null | undefined) {
  const plan = metadata?.[PLAN_METADATA_KEY];
  return plan === 'STARTER' || plan === 'PROFESSIONAL' || plan === 'ENTERPRISE' ? plan : null;
}

/** Where a Checkout Session sends the browser, and until when. */
function hostedPage(session: Stripe.Checkout.Session): CheckoutSession {
  return {
    sessionId: session.id,
    url: session.url!,
    expiresAt: session.expires_at ? new Date(session.expires_at * 1000) : null,
  };
}
