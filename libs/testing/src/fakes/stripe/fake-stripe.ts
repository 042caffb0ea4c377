import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { readBody, sendJson } from '../http/http-io';
import { closeServer, listenOnLoopback } from '../http/listen';
import { FakePaymentIntents } from './payment-intents';
import { FakeSetupIntents, type FakeCard } from './setup-intents';
import { missing, required, StripeApiError } from './stripe-errors';
import {
  formArray,
  formMetadata,
  formObject,
  formString,
  parseStripeForm,
  type FormObject,
} from './stripe-form';

export interface FakeStripePrice {
  id: string;
  unitAmount: number;
  currency: string;
}

export interface FakeStripeOptions {
  /** The secret API key clients must send (`Authorization: Bearer <key>`). */
  secretKey?: string;
  /** The webhook endpoint secret events are signed with. */
  webhookSecret?: string;
  /** The prices that exist on the account (our plans map onto them). */
  prices: FakeStripePrice[];
  /** The account's clock (tests advance it with the service's clock). */
  now?: () => Date;
}

type Json = Record<string, unknown>;
type CardBehaviour = 'succeed' | 'decline';

const DAY_SECONDS = 24 * 3600;
const PERIOD_SECONDS = 30 * DAY_SECONDS;
const API_VERSION = '2026-10-28.endive';

/**
 * A local stand-in for the Stripe API, for tests: the endpoints the payments service uses (customers,
 * Checkout Sessions, Billing Portal sessions, subscriptions retrieve/update with proration and
 * cancel_at_period_end, invoices retrieve/pay), Stripe's form encoding, its JSON objects (API version
 * 2026-10-28: periods on subscription items, invoice `parent.subscription_details`) and error shapes
 * (`{ error: { type, code, message, param } }`), Bearer-key auth and `Idempotency-Key` (same key and
 * body → the stored answer with `Idempotent-Replayed: true`; another body → 400 idempotency_error).
 *
 * What happens "in the dashboard or the customer's browser" is driven from the test: completing a
 * checkout, renewing a period, a card that declines. Each produces the events Stripe would send;
 * `signedDelivery` signs one the way Stripe does (the SDK's own test header helper).
 */
export class FakeStripe {
  readonly secretKey: string;
  readonly webhookSecret: string;
  private server?: Server;
  private baseUrl = '';
  private readonly prices: Map<string, FakeStripePrice>;
  private readonly now: () => Date;
  readonly customers = new Map<string, Json>();
  readonly checkoutSessions = new Map<string, Json>();
  readonly portalSessions = new Map<string, Json>();
  readonly subscriptions = new Map<string, Json>();
  readonly invoices = new Map<string, Json>();
  /** Every event the account produced, oldest first. */
  readonly events: Stripe.Event[] = [];
  /** Every API request received (method, path, idempotency key, decoded body). */
  readonly requests: { method: string; path: string; idempotencyKey?: string; body: FormObject }[] = [];
  private readonly idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  private readonly cards = new Map<string, CardBehaviour>();
  private invoiceCounter = 0;
  private readonly sdk = new Stripe('sk_test_signing_only');
  /** Cards saved by Checkout in setup mode (SetupIntents and their PaymentMethods). */
  readonly setupIntents = new FakeSetupIntents(() => this.seconds());
  /** Off-session charges of a customer's saved card (PaymentIntents confirmed at creation). */
  readonly paymentIntents = new FakePaymentIntents(
    this.customers,
    (customerId) => (this.cards.get(customerId) ?? 'succeed') === 'succeed',
    () => this.seconds(),
    (paymentMethodId, customerId) => this.setupIntents.belongsTo(paymentMethodId, customerId),
  );

  constructor(options: FakeStripeOptions) {
    this.secretKey = options.secretKey ?? `sk_test_${randomBytes(12).toString('hex')}`;
    this.webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(16).toString('hex')}`;
    this.prices = new Map(options.prices.map((price) => [price.id, price]));
    this.now = options.now ?? (() => new Date());
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    const port = await listenOnLoopback(this.server);
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  get url(): string {
    return this.baseUrl;
  }

  get port(): number {
    return Number(new URL(this.baseUrl).port);
  }

  async stop(): Promise<void> {
    if (this.server) await closeServer(this.server);
  }

  // ---- the customer's side (what a browser or Stripe's billing engine would do) ----

  /**
   * The customer saved a card (as a SetupIntent or Checkout in setup mode would): it becomes the
   * default payment method off-session PaymentIntents are charged to. Returns its id.
   */
  attachDefaultPaymentMethod(customerId: string): string {
    const customer = this.customers.get(customerId);
    if (!customer) throw missing('customer', customerId);
    const paymentMethod = this.id('pm');
    customer.invoice_settings = { default_payment_method: paymentMethod };
    return paymentMethod;
  }

  /**
   * The customer entered a card on a setup-mode Checkout page: a succeeded SetupIntent saves it
   * (attached to the session's customer, not made its default: Checkout does not). Returns the
   * events Stripe sends: setup_intent.succeeded, checkout.session.completed.
   */
  completeSetup(sessionId: string, card: FakeCard = { brand: 'visa', last4: '4242' }): Stripe.Event[] {
    const session = this.checkoutSessions.get(sessionId);
    if (!session) throw missing('checkout.session', sessionId);
    if (session.mode !== 'setup') throw new Error(`${sessionId} is a ${String(session.mode)} session`);
    const intent = this.setupIntents.saveCard(
      String(session.customer),
      card,
      session.__setupIntentMetadata as Record<string, string>,
    );
    Object.assign(session, { status: 'complete', setup_intent: intent.id });
    return [this.emit('setup_intent.succeeded', intent), this.emit('checkout.session.completed', session)];
  }

  /** Future charges of this customer decline (`card_declined`) or succeed. */
  setCardBehaviour(customerId: string, behaviour: CardBehaviour): void {
    this.cards.set(customerId, behaviour);
  }

  /**
   * The customer paid on the Checkout page: the subscription starts, its first invoice is paid.
   * Returns the events in Stripe's order: customer.subscription.created, invoice.paid,
   * checkout.session.completed.
   */
  completeCheckout(sessionId: string, email = 'payer@example.test'): Stripe.Event[] {
    const session = this.checkoutSessions.get(sessionId);
    if (!session) throw missing('checkout.session', sessionId);
    const customerId = String(session.customer);
    const now = this.seconds();
    const subscriptionId = this.id('sub');
    const price = this.prices.get(String(session.__price))!;
    const subscription: Json = {
      id: subscriptionId,
      object: 'subscription',
      customer: customerId,
      status: 'active',
      cancel_at_period_end: false,
      canceled_at: null,
      ended_at: null,
      created: now,
      livemode: false,
      metadata: { ...(session.__subscriptionMetadata as Record<string, string>) },
      items: {
        object: 'list',
        data: [this.item(price, now, now + PERIOD_SECONDS)],
        has_more: false,
      },
      latest_invoice: null,
    };
    this.subscriptions.set(subscriptionId, subscription);
    const created = this.emit('customer.subscription.created', subscription);
    const invoice = this.newInvoice(subscription, price.unitAmount, 'subscription_create');
    this.settle(invoice, true);
    Object.assign(session, {
      status: 'complete',
      payment_status: 'paid',
      subscription: subscriptionId,
      customer_details: { email },
    });
    const paid = this.emit('invoice.paid', invoice);
    const completed = this.emit('checkout.session.completed', session);
    return [created, paid, completed];
  }

  /**
   * The billing engine reaches the end of the period: a new period, a new invoice charged to the
   * card (or, when cancelled at period end, customer.subscription.deleted and no charge). Declined: the invoice stays open, the subscription goes past_due (invoice.payment_failed,
   * customer.subscription.updated); paid: invoice.paid, customer.subscription.updated.
   */
  renewSubscription(subscriptionId: string): Stripe.Event[] {
    const subscription = this.subscriptions.get(subscriptionId);
    if (!subscription) throw missing('subscription', subscriptionId);
    if (subscription.status === 'canceled') return [];
    // Cancelled at period end: the period ends, nothing is charged, the subscription is deleted.
    if (subscription.cancel_at_period_end) {
      Object.assign(subscription, { status: 'canceled', ended_at: this.seconds() });
      return [this.emit('customer.subscription.deleted', subscription)];
    }
    const item = this.itemOf(subscription);
    const start = Number(item.current_period_end);
    Object.assign(item, { current_period_start: start, current_period_end: start + PERIOD_SECONDS });
    const price = this.prices.get(String((item.price as Json).id))!;
    const pending = Number(subscription.__pendingProrationCents ?? 0);
    subscription.__pendingProrationCents = 0;
    // Stripe announces the new period first, then the invoice and its payment.
    const periodChanged = this.emit('customer.subscription.updated', subscription);
    const invoice = this.newInvoice(subscription, price.unitAmount + pending, 'subscription_cycle');
    return [periodChanged, ...this.attemptPayment(invoice)];
  }

  /** The customer pays an open invoice in the billing portal (with the card's current behaviour). */
  payOpenInvoice(invoiceId: string): Stripe.Event[] {
    const invoice = this.invoices.get(invoiceId);
    if (!invoice) throw missing('invoice', invoiceId);
    if (invoice.status === 'paid') return [];
    return this.attemptPayment(invoice);
  }

  /** The newest invoice of a subscription. */
  latestInvoiceOf(subscriptionId: string): Json {
    const subscription = this.subscriptions.get(subscriptionId);
    if (!subscription?.latest_invoice) throw missing('invoice', `latest of ${subscriptionId}`);
    return this.invoices.get(String(subscription.latest_invoice))!;
  }

  /** A Stripe Event delivered as Stripe's servers would: raw JSON body and `Stripe-Signature`. */
  signedDelivery(
    event: Stripe.Event,
    options: { timestamp?: number; secret?: string } = {},
  ): { payload: string; headers: Record<string, string> } {
    const payload = JSON.stringify(event, null, 2);
    const signature = this.sdk.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret ?? this.webhookSecret,
      timestamp: options.timestamp ?? this.seconds(),
    });
    return {
      payload,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': signature,
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
    };
  }

  /** The newest events of `type` (newest last). */
  eventsOfType(type: string): Stripe.Event[] {
    return this.events.filter((event) => event.type === type);
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.baseUrl);
      const body = parseStripeForm(await readBody(req));
      if (req.headers.authorization !== `Bearer ${this.secretKey}`) {
        throw new StripeApiError(
          401,
          'invalid_request_error',
          undefined,
          'Invalid API Key provided: ' + String(req.headers.authorization ?? '').slice(7, 15) + '***',
        );
      }
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      const method = req.method ?? 'GET';
      this.requests.push({ method, path: url.pathname, idempotencyKey, body });
      if (method === 'POST' && idempotencyKey) {
        const fingerprint = createHash('sha256')
          .update(`${url.pathname}\n${JSON.stringify(body)}`)
          .digest('hex');
        const stored = this.idempotent.get(idempotencyKey);
        if (stored) {
          if (stored.fingerprint !== fingerprint) {
            throw new StripeApiError(
              400,
              'idempotency_error',
              undefined,
              'Keys for idempotent requests can only be used with the same parameters they were first used with.',
            );
          }
          sendJson(res, stored.status, stored.body, { 'idempotent-replayed': 'true', ...this.headers() });
          return;
        }
        const { status, body: answer } = this.route(method, url.pathname, body);
        this.idempotent.set(idempotencyKey, { fingerprint, status, body: answer });
        sendJson(res, status, answer, this.headers(idempotencyKey));
        return;
      }
      // The SDK sends a GET's parameters in the query string (`expand[0]=payment_method`).
      const expand = [...url.searchParams].filter(([key]) => key.startsWith('expand')).map(([, v]) => v);
      const { status, body: answer } = this.route(method, url.pathname, body, expand);
      sendJson(res, status, answer, this.headers());
    } catch (error) {
      if (error instanceof StripeApiError) {
        sendJson(
          res,
          error.status,
          {
            error: {
              type: error.type,
              code: error.code,
              message: error.message,
              param: error.param,
              decline_code: error.declineCode,
              ...error.extra,
            },
          },
          this.headers(),
        );
        return;
      }
      sendJson(res, 500, { error: { type: 'api_error', message: String(error) } });
    }
  }

  private headers(idempotencyKey?: string): Record<string, string> {
    return {
      'request-id': `req_${randomBytes(7).toString('hex')}`,
      'stripe-version': API_VERSION,
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    };
  }

  private route(
    method: string,
    path: string,
    body: FormObject,
    expand: string[] = [],
  ): { status: number; body: unknown } {
    const parts = path.split('/').filter(Boolean);
    const ok = (value: unknown) => ({ status: 200, body: value });
    if (parts[0] !== 'v1')
      throw new StripeApiError(404, 'invalid_request_error', undefined, 'Unrecognized request URL');
    const [, resource, id, action] = parts;
    if (method === 'POST' && resource === 'customers' && !id) return ok(this.createCustomer(body));
    if (method === 'GET' && resource === 'customers' && id)
      return ok(this.get(this.customers, 'customer', id));
    if (resource === 'checkout' && id === 'sessions') {
      if (method === 'POST' && !action) return ok(this.publicSession(this.createCheckoutSession(body)));
      if (method === 'GET' && action) {
        return ok(this.publicSession(this.get(this.checkoutSessions, 'checkout.session', action)));
      }
    }
    if (method === 'POST' && resource === 'billing_portal' && id === 'sessions') {
      return ok(this.createPortalSession(body));
    }
    if (resource === 'subscriptions' && id) {
      if (method === 'GET') return ok(this.publicObject(this.get(this.subscriptions, 'subscription', id)));
      if (method === 'POST' && !action) return ok(this.publicObject(this.updateSubscription(id, body)));
    }
    if (method === 'GET' && resource === 'setup_intents' && id)
      return ok(this.setupIntents.retrieve(id, expand));
    if (resource === 'payment_intents') {
      if (method === 'POST' && !id) return ok(this.paymentIntents.create(body));
      if (method === 'GET' && id) return ok(this.get(this.paymentIntents.all, 'payment_intent', id));
    }
    if (resource === 'invoices' && id) {
      if (method === 'GET' && !action) return ok(this.get(this.invoices, 'invoice', id));
      if (method === 'POST' && action === 'pay') return ok(this.payInvoice(id));
    }
    throw new StripeApiError(
      404,
      'invalid_request_error',
      undefined,
      `Unrecognized request URL (${method}: ${path}).`,
    );
  }

  private get(map: Map<string, Json>, kind: string, id: string): Json {
    const found = map.get(id);
    if (!found) throw missing(kind, id);
    return found;
  }

  private createCustomer(body: FormObject): Json {
    const customer: Json = {
      id: this.id('cus'),
      object: 'customer',
      created: this.seconds(),
      email: formString(body.email) ?? null,
      name: formString(body.name) ?? null,
      metadata: formMetadata(body.metadata),
      invoice_settings: { default_payment_method: null },
      livemode: false,
    };
    this.customers.set(String(customer.id), customer);
    return customer;
  }

  private createCheckoutSession(body: FormObject): Json {
    const mode = formString(body.mode);
    if (mode !== 'subscription' && mode !== 'payment' && mode !== 'setup') throw required('mode');
    const successUrl = formString(body.success_url);
    if (!successUrl) throw required('success_url');
    const customer = formString(body.customer);
    if (customer && !this.customers.has(customer)) throw missing('customer', customer, 'customer');
    const setup = mode === 'setup';
    // Setup mode charges nothing: no line items, and Stripe wants a currency or an explicit list of
    // payment method types to know which methods to offer.
    if (setup && !formString(body.currency) && formArray(body.allowed_payment_method_types).length === 0)
      throw required('currency');
    if (setup && !customer) throw required('customer');
    const lineItems = formArray(body.line_items).map(formObject);
    if (!setup && lineItems.length === 0) throw required('line_items');
    const priceId = setup ? null : formString(lineItems[0]!.price);
    if (!setup && (!priceId || !this.prices.has(priceId))) {
      throw missing('price', String(priceId), 'line_items[0][price]');
    }
    const id = `cs_test_${randomBytes(16).toString('hex')}`;
    const session: Json = {
      id,
      object: 'checkout.session',
      mode,
      url: `${this.baseUrl}/c/pay/${id}`,
      customer: customer ?? null,
      client_reference_id: formString(body.client_reference_id) ?? null,
      metadata: formMetadata(body.metadata),
      status: 'open',
      payment_status: setup ? 'no_payment_required' : 'unpaid',
      subscription: null,
      setup_intent: null,
      success_url: successUrl,
      cancel_url: formString(body.cancel_url) ?? null,
      created: this.seconds(),
      expires_at: this.seconds() + DAY_SECONDS,
      customer_details: null,
      livemode: false,
      __price: priceId,
      __subscriptionMetadata: formMetadata(formObject(body.subscription_data).metadata),
      __setupIntentMetadata: formMetadata(formObject(body.setup_intent_data).metadata),
    };
    this.checkoutSessions.set(id, session);
    return session;
  }

  private createPortalSession(body: FormObject): Json {
    const customer = formString(body.customer);
    if (!customer) throw required('customer');
    if (!this.customers.has(customer)) throw missing('customer', customer, 'customer');
    const id = this.id('bps');
    const session = {
      id,
      object: 'billing_portal.session',
      customer,
      return_url: formString(body.return_url) ?? null,
      url: `${this.baseUrl}/p/session/${id}`,
      created: this.seconds(),
      livemode: false,
    };
    this.portalSessions.set(id, session);
    return session;
  }

  /** Items swap (plan change, prorated per `proration_behavior`) and cancel_at_period_end. */
  private updateSubscription(id: string, body: FormObject): Json {
    const subscription = this.get(this.subscriptions, 'subscription', id);
    if (subscription.status === 'canceled') {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        undefined,
        'A canceled subscription can only update its cancellation_details and metadata.',
      );
    }
    const item = this.itemOf(subscription);
    for (const change of formArray(body.items).map(formObject)) {
      const priceId = formString(change.price);
      if (!priceId) continue;
      if (formString(change.id) && formString(change.id) !== item.id) {
        throw missing('subscription_item', String(change.id), 'items[0][id]');
      }
      const next = this.prices.get(priceId);
      if (!next) throw missing('price', priceId, 'items[0][price]');
      const previous = this.prices.get(String((item.price as Json).id))!;
      const behaviour = formString(body.proration_behavior) ?? 'create_prorations';
      if (behaviour !== 'none') {
        const start = Number(item.current_period_start);
        const end = Number(item.current_period_end);
        const remaining = Math.max(0, Math.min(1, (end - this.seconds()) / (end - start)));
        const proration = Math.round((next.unitAmount - previous.unitAmount) * remaining);
        subscription.__pendingProrationCents = Number(subscription.__pendingProrationCents ?? 0) + proration;
      }
      item.price = this.priceObject(next);
    }
    const cancel = formString(body.cancel_at_period_end);
    if (cancel !== undefined) {
      subscription.cancel_at_period_end = cancel === 'true';
      subscription.canceled_at = cancel === 'true' ? this.seconds() : null;
    }
    Object.assign(subscription.metadata as Json, formMetadata(body.metadata));
    this.emit('customer.subscription.updated', subscription);
    return subscription;
  }

  /** Collects an open invoice now (dunning retry): paid → invoice.paid; declined → 402 card_error. */
  private payInvoice(id: string): Json {
    const invoice = this.get(this.invoices, 'invoice', id);
    if (invoice.status === 'paid') {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        'invoice_payment_intent_requires_action',
        'Invoice is already paid',
      );
    }
    this.attemptPayment(invoice);
    if (invoice.status !== 'paid') {
      throw new StripeApiError(
        402,
        'card_error',
        'card_declined',
        'Your card was declined.',
        undefined,
        'generic_decline',
      );
    }
    return invoice;
  }

  private attemptPayment(invoice: Json): Stripe.Event[] {
    const customer = String(invoice.customer);
    const succeeds = (this.cards.get(customer) ?? 'succeed') === 'succeed';
    this.settle(invoice, succeeds);
    const subscriptionId = ((invoice.parent as Json).subscription_details as Json).subscription as string;
    const subscription = this.subscriptions.get(subscriptionId)!;
    const events: Stripe.Event[] = [];
    if (succeeds) {
      events.push(this.emit('invoice.paid', invoice));
      if (subscription.status !== 'active') {
        subscription.status = 'active';
        events.push(this.emit('customer.subscription.updated', subscription));
      }
    } else {
      events.push(this.emit('invoice.payment_failed', invoice));
      if (subscription.status !== 'past_due') {
        subscription.status = 'past_due';
        events.push(this.emit('customer.subscription.updated', subscription));
      }
    }
    return events;
  }

  private newInvoice(subscription: Json, amount: number, reason: string): Json {
    const item = this.itemOf(subscription);
    const id = this.id('in');
    this.invoiceCounter += 1;
    const invoice: Json = {
      id,
      object: 'invoice',
      customer: subscription.customer,
      number: `FAKE-${String(this.invoiceCounter).padStart(4, '0')}`,
      status: 'open',
      billing_reason: reason,
      currency: (item.price as Json).currency,
      subtotal: amount,
      total: amount,
      total_taxes: [],
      amount_due: amount,
      amount_paid: 0,
      amount_remaining: amount,
      attempt_count: 0,
      attempted: false,
      created: this.seconds(),
      period_start: item.current_period_start,
      period_end: item.current_period_end,
      status_transitions: { paid_at: null, finalized_at: this.seconds() },
      parent: {
        type: 'subscription_details',
        quote_details: null,
        subscription_details: {
          subscription: subscription.id,
          metadata: { ...(subscription.metadata as Json) },
        },
      },
      lines: {
        object: 'list',
        data: [
          {
            id: this.id('il'),
            object: 'line_item',
            amount,
            currency: (item.price as Json).currency,
            period: { start: item.current_period_start, end: item.current_period_end },
            pricing: { type: 'price_details', price_details: { price: (item.price as Json).id } },
          },
        ],
        has_more: false,
      },
      livemode: false,
    };
    this.invoices.set(id, invoice);
    subscription.latest_invoice = id;
    return invoice;
  }

  private settle(invoice: Json, paid: boolean): void {
    invoice.attempt_count = Number(invoice.attempt_count) + 1;
    invoice.attempted = true;
    if (paid) {
      Object.assign(invoice, { status: 'paid', amount_paid: invoice.amount_due, amount_remaining: 0 });
      (invoice.status_transitions as Json).paid_at = this.seconds();
    }
  }

  private item(price: FakeStripePrice, start: number, end: number): Json {
    return {
      id: this.id('si'),
      object: 'subscription_item',
      price: this.priceObject(price),
      quantity: 1,
      current_period_start: start,
      current_period_end: end,
    };
  }

  private itemOf(subscription: Json): Json {
    return ((subscription.items as Json).data as Json[])[0]!;
  }

  private priceObject(price: FakeStripePrice): Json {
    return {
      id: price.id,
      object: 'price',
      unit_amount: price.unitAmount,
      currency: price.currency,
      recurring: { interval: 'month', interval_count: 1 },
    };
  }

  private emit(type: string, object: Json): Stripe.Event {
    const event = {
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: API_VERSION,
      created: this.seconds(),
      type,
      data: { object: this.publicObject(structuredClone(object)) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    } as unknown as Stripe.Event;
    this.events.push(event);
    return event;
  }

  /** Without the fake's own bookkeeping (`__` fields). */
  private publicObject(object: Json): Json {
    return Object.fromEntries(Object.entries(object).filter(([key]) => !key.startsWith('__')));
  }

  private publicSession(session: Json): Json {
    return this.publicObject(session);
  }

  private seconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  private id(prefix: string): string {
    return `${prefix}_${randomBytes(10).toString('hex')}`;
  }
}
