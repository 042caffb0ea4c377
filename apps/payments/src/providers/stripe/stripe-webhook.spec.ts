import Stripe from 'stripe';
import { WebhookVerificationError } from '../payment-provider.port';
import { StripePaymentProvider } from './stripe.provider';

const SECRET = 'whsec_unit_test_secret_0123456789';
const NOW = new Date('2026-11-29T12:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const ORG = '0b6f2a4e-8f8e-4c1e-9d55-3f1c2b7a9e10';

const provider = new StripePaymentProvider({
  STRIPE_SECRET_KEY: 'sk_test_unit',
  STRIPE_WEBHOOK_SECRET: SECRET,
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: 300,
  STRIPE_API_URL: 'http://127.0.0.1:9',
  STRIPE_TIMEOUT_MS: 1000,
  STRIPE_PRICE_STARTER: 'price_starter',
  STRIPE_PRICE_PROFESSIONAL: 'price_pro',
  STRIPE_PRICE_ENTERPRISE: 'price_ent',
});
const signer = new Stripe('sk_test_signer');

function event(type: string, object: object, created = NOW_SECONDS - 10) {
  return { id: 'evt_unit_1', object: 'event', type, created, data: { object } };
}

function delivery(body: object | string, options: { timestamp?: number; secret?: string } = {}) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const signature = signer.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? SECRET,
    timestamp: options.timestamp ?? NOW_SECONDS,
  });
  return { rawBody: Buffer.from(payload), headers: { 'stripe-signature': signature } };
}

function reasonOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
  return 'verified';
}

describe('Stripe webhook verification (pure: signature over the raw bytes, timestamp tolerance)', () => {
  it('accepts a correctly signed event and names it by Stripe’s id, type and creation time', () => {
    const verified = provider.verifyWebhook(delivery(event('invoice.paid', { id: 'in_1' })), NOW);
    expect(verified).toMatchObject({
      providerEventId: 'evt_unit_1',
      type: 'invoice.paid',
      createdAt: new Date((NOW_SECONDS - 10) * 1000),
    });
  });

  it('refuses another secret, changed bytes, a missing header and a malformed event', () => {
    const body = event('invoice.paid', { id: 'in_1' });
    expect(reasonOf(() => provider.verifyWebhook(delivery(body, { secret: 'whsec_other' }), NOW))).toBe(
      'bad-signature',
    );
    const signed = delivery(body);
    const changed = { ...signed, rawBody: Buffer.from(signed.rawBody.toString().replace('in_1', 'in_2')) };
    expect(reasonOf(() => provider.verifyWebhook(changed, NOW))).toBe('bad-signature');
    // The same JSON re-serialised with other whitespace is other bytes: refused (why the raw body matters).
    const reformatted = { ...signed, rawBody: Buffer.from(JSON.stringify(body, null, 2)) };
    expect(reasonOf(() => provider.verifyWebhook(reformatted, NOW))).toBe('bad-signature');
    expect(reasonOf(() => provider.verifyWebhook({ rawBody: signed.rawBody, headers: {} }, NOW))).toBe(
      'missing-signature',
    );
    expect(reasonOf(() => provider.verifyWebhook(delivery({ hello: 'world' }), NOW))).toBe('malformed');
  });

  it('accepts a signature exactly 300 s old and refuses one 301 s old (against the service clock)', () => {
    const body = event('invoice.paid', { id: 'in_1' });
    expect(
      reasonOf(() => provider.verifyWebhook(delivery(body, { timestamp: NOW_SECONDS - 300 }), NOW)),
    ).toBe('verified');
    expect(
      reasonOf(() => provider.verifyWebhook(delivery(body, { timestamp: NOW_SECONDS - 301 }), NOW)),
    ).toBe('stale-timestamp');
  });
});

describe('Stripe events normalized for the inbox processor', () => {
  const stored = (type: string, object: object) => ({
    provider: 'stripe' as const,
    providerEventId: 'evt_unit_1',
    type,
    createdAt: NOW,
    payload: event(type, object, 1_764_400_000),
  });
  const subscription = (status: string, price = 'price_pro') => ({
    id: 'sub_1',
    object: 'subscription',
    customer: 'cus_1',
    status,
    cancel_at_period_end: true,
    metadata: { organizationId: ORG },
    items: {
      data: [
        {
          id: 'si_1',
          price: { id: price },
          current_period_start: 1_764_000_000,
          current_period_end: 1_766_592_000,
        },
      ],
    },
  });

  it('maps a subscription to our plan by price, with the period from its item and the event time as version', async () => {
    const [fact] = await provider.normalizeWebhook(
      stored('customer.subscription.updated', subscription('past_due')),
    );
    expect(fact).toEqual({
      kind: 'subscription.updated',
      version: 1_764_400_000_000,
      subscription: {
        providerSubscriptionId: 'sub_1',
        providerCustomerId: 'cus_1',
        organizationId: ORG,
        plan: 'PROFESSIONAL',
        status: 'past_due',
        currentPeriodStart: new Date(1_764_000_000_000),
        currentPeriodEnd: new Date(1_766_592_000_000),
        cancelAtPeriodEnd: true,
      },
    });
    const [unknownPrice] = await provider.normalizeWebhook(
      stored('customer.subscription.deleted', subscription('canceled', 'price_made_by_hand')),
    );
    expect(unknownPrice).toMatchObject({
      kind: 'subscription.deleted',
      subscription: { plan: null, status: 'canceled' },
    });
  });

  it('reads checkout sessions in subscription mode only, and ignores event types we do not act on', async () => {
    const session = {
      id: 'cs_1',
      mode: 'subscription',
      customer: 'cus_1',
      subscription: 'sub_1',
      client_reference_id: ORG,
      metadata: { organizationId: ORG, plan: 'STARTER' },
      customer_details: { email: 'payer@example.test' },
    };
    expect(await provider.normalizeWebhook(stored('checkout.session.completed', session))).toEqual([
      {
        kind: 'checkout.completed',
        organizationId: ORG,
        providerCustomerId: 'cus_1',
        providerSubscriptionId: 'sub_1',
        plan: 'STARTER',
        billingEmail: 'payer@example.test',
        version: 1_764_400_000_000,
      },
    ]);
    expect(
      await provider.normalizeWebhook(stored('checkout.session.completed', { ...session, mode: 'payment' })),
    ).toEqual([]);
    expect(await provider.normalizeWebhook(stored('customer.created', { id: 'cus_1' }))).toEqual([]);
  });

  it('reads invoices: tenant from the subscription metadata Stripe copies, tax summed, paid time', async () => {
    const invoice = {
      id: 'in_1',
      customer: 'cus_1',
      number: 'A-0001',
      status: 'paid',
      currency: 'usd',
      subtotal: 9900,
      total: 11682,
      total_taxes: [{ amount: 1500 }, { amount: 282 }],
      amount_paid: 11682,
      attempt_count: 2,
      period_start: 1_764_000_000,
      period_end: 1_766_592_000,
      status_transitions: { paid_at: 1_764_400_100 },
      parent: { subscription_details: { subscription: 'sub_1', metadata: { organizationId: ORG } } },
      lines: { data: [{ pricing: { price_details: { price: 'price_ent' } } }] },
    };
    const [fact] = await provider.normalizeWebhook(stored('invoice.paid', invoice));
    expect(fact).toMatchObject({
      kind: 'invoice.paid',
      invoice: {
        providerInvoiceId: 'in_1',
        providerSubscriptionId: 'sub_1',
        organizationId: ORG,
        taxCents: 1782,
        totalCents: 11682,
        plan: 'ENTERPRISE',
        paidAt: new Date(1_764_400_100_000),
        attemptCount: 2,
      },
    });
  });
});
