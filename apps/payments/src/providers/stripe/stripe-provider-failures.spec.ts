import { createServer } from 'node:net';
import { DomainError } from '@platform/errors';
import { FakeStripe } from '@platform/testing';
import { callProvider } from '../../shared/provider-errors';
import { PaymentProviderFailure } from '../payment-provider.port';
import { StripePaymentProvider } from './stripe.provider';

const PRICE = { id: 'price_failures_starter', unitAmount: 2900, currency: 'usd' };
const ORG = '3f0d8e8a-6a43-4d43-9f7e-0f1f3b2c1d00';

function providerFor(apiUrl: string, secretKey: string) {
  return new StripePaymentProvider({
    STRIPE_SECRET_KEY: secretKey,
    STRIPE_WEBHOOK_SECRET: 'whsec_unused',
    STRIPE_WEBHOOK_TOLERANCE_SECONDS: 300,
    STRIPE_API_URL: apiUrl,
    STRIPE_TIMEOUT_MS: 2000,
    STRIPE_PRICE_STARTER: PRICE.id,
    STRIPE_PRICE_PROFESSIONAL: undefined,
    STRIPE_PRICE_ENTERPRISE: undefined,
  });
}

async function closedPortUrl(): Promise<string> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(`http://127.0.0.1:${port}`));
    });
  });
}

async function failureOf(call: () => Promise<unknown>): Promise<PaymentProviderFailure> {
  try {
    await call();
  } catch (error) {
    if (error instanceof PaymentProviderFailure) return error;
    throw error;
  }
  throw new Error('expected a PaymentProviderFailure');
}

/** What Stripe's refusals and outages become: the port's failures, then problem codes (SDK against the fake). */
describe('Stripe adapter failures', () => {
  let stripe: FakeStripe;

  beforeAll(async () => {
    stripe = await new FakeStripe({ prices: [PRICE] }).start();
  });
  afterAll(() => stripe.stop());

  it('a refused request is a permanent failure with Stripe’s code; the use case answers 502 naming it', async () => {
    const provider = providerFor(stripe.url, stripe.secretKey);
    const failure = await failureOf(() =>
      provider.createPortalSession(
        { providerCustomerId: 'cus_does_not_exist', returnUrl: 'https://app.test' },
        {},
      ),
    );
    expect(failure).toMatchObject({ provider: 'stripe', providerCode: 'resource_missing', transient: false });
    await expect(
      callProvider(() =>
        provider.createPortalSession(
          { providerCustomerId: 'cus_does_not_exist', returnUrl: 'https://app.test' },
          {},
        ),
      ),
    ).rejects.toMatchObject({
      code: 'PAYMENT_PROVIDER_ERROR',
      details: { provider: 'stripe', providerCode: 'resource_missing' },
    });
  });

  it('a wrong API key is refused (401), never retried as an outage', async () => {
    const failure = await failureOf(() =>
      providerFor(stripe.url, 'sk_test_wrong').createCustomer({ organizationId: ORG }, {}),
    );
    expect(failure.transient).toBe(false);
  });

  it('Stripe unreachable is transient: 503 SERVICE_UNAVAILABLE, retry later with the same key', async () => {
    const provider = providerFor(await closedPortUrl(), stripe.secretKey);
    const failure = await failureOf(() => provider.createCustomer({ organizationId: ORG }, {}));
    expect(failure.transient).toBe(true);
    const mapped = await callProvider(() => provider.createCustomer({ organizationId: ORG }, {})).catch(
      (error: unknown) => error,
    );
    expect(mapped).toBeInstanceOf(DomainError);
    expect(mapped).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('a plan without a configured price is refused before calling Stripe', async () => {
    const provider = providerFor(stripe.url, stripe.secretKey);
    const before = stripe.requests.length;
    const failure = await failureOf(() =>
      provider.createCheckout(
        {
          organizationId: ORG,
          providerCustomerId: 'cus_x',
          plan: 'ENTERPRISE',
          successUrl: 'https://app.test/ok',
          cancelUrl: 'https://app.test/no',
        },
        {},
      ),
    );
    expect(failure).toMatchObject({ providerCode: 'price_not_configured', transient: false });
    expect(stripe.requests.length).toBe(before);
  });

  it('the same idempotency key with other parameters is refused by Stripe (never a silent second object)', async () => {
    const provider = providerFor(stripe.url, stripe.secretKey);
    await provider.createCustomer({ organizationId: ORG }, { idempotencyKey: 'same-key' });
    const failure = await failureOf(() =>
      provider.createCustomer(
        { organizationId: ORG, email: 'other@example.test' },
        { idempotencyKey: 'same-key' },
      ),
    );
    expect(failure).toMatchObject({ providerCode: 'idempotency_error', transient: false });
  });

  it('a declined retry is an answer (paid: false with the decline code); a paid one says so', async () => {
    const provider = providerFor(stripe.url, stripe.secretKey);
    const { providerCustomerId } = await provider.createCustomer({ organizationId: ORG }, {});
    const session = await provider.createCheckout(
      {
        organizationId: ORG,
        providerCustomerId,
        plan: 'STARTER',
        successUrl: 'https://app.test/ok',
        cancelUrl: 'https://app.test/no',
      },
      {},
    );
    stripe.completeCheckout(session.sessionId);
    const subscriptionId = String(stripe.checkoutSessions.get(session.sessionId)!.subscription);
    stripe.setCardBehaviour(providerCustomerId, 'decline');
    stripe.renewSubscription(subscriptionId);
    const invoiceId = String(stripe.latestInvoiceOf(subscriptionId).id);

    expect(
      await provider.retryInvoicePayment({ providerInvoiceId: invoiceId }, { idempotencyKey: 'retry-1' }),
    ).toEqual({
      providerInvoiceId: invoiceId,
      paid: false,
      declineCode: 'card_declined',
    });
    stripe.setCardBehaviour(providerCustomerId, 'succeed');
    expect(
      await provider.retryInvoicePayment({ providerInvoiceId: invoiceId }, { idempotencyKey: 'retry-2' }),
    ).toEqual({
      providerInvoiceId: invoiceId,
      paid: true,
    });
    await expect(provider.retryInvoicePayment({ providerInvoiceId: 'in_missing' }, {})).rejects.toMatchObject(
      {
        providerCode: 'resource_missing',
      },
    );
  });

  describe('off-session charge (the fallback of AZUL’s monthly charges)', () => {
    const charge = (customerId: string) => ({
      organizationId: ORG,
      paymentToken: customerId,
      amountCents: 590_000,
      taxCents: 90_000,
      currency: 'DOP',
      description: 'PROFESSIONAL plan, 2026-12-10',
    });

    it('charges the default card once per key: a retry with the same key gets the same PaymentIntent', async () => {
      const provider = providerFor(stripe.url, stripe.secretKey);
      const { providerCustomerId } = await provider.createCustomer({ organizationId: ORG }, {});
      stripe.attachDefaultPaymentMethod(providerCustomerId);

      const first = await provider.charge(charge(providerCustomerId), {
        idempotencyKey: 'recurring:x:2026-12-10',
      });
      const retried = await provider.charge(charge(providerCustomerId), {
        idempotencyKey: 'recurring:x:2026-12-10',
      });

      expect(first).toEqual({ providerChargeId: expect.stringMatching(/^pi_/), status: 'succeeded' });
      expect(retried.providerChargeId).toBe(first.providerChargeId);
      expect(stripe.paymentIntents.succeeded().filter((pi) => pi.customer === providerCustomerId)).toEqual([
        expect.objectContaining({
          amount: 590_000,
          currency: 'dop',
          off_session: true,
          metadata: { organizationId: ORG },
        }),
      ]);
    });

    it('a declined card is an answer (declined, with the intent), not a failure', async () => {
      const provider = providerFor(stripe.url, stripe.secretKey);
      const { providerCustomerId } = await provider.createCustomer({ organizationId: ORG }, {});
      stripe.attachDefaultPaymentMethod(providerCustomerId);
      stripe.setCardBehaviour(providerCustomerId, 'decline');

      const result = await provider.charge(charge(providerCustomerId), {
        idempotencyKey: `declined-${providerCustomerId}`,
      });

      expect(result).toMatchObject({ status: 'declined', declineCode: 'generic_decline' });
      expect(result.providerChargeId).toMatch(/^pi_/);
    });

    it('a customer without a saved card is a permanent failure', async () => {
      const provider = providerFor(stripe.url, stripe.secretKey);
      const { providerCustomerId } = await provider.createCustomer({ organizationId: ORG }, {});
      const failure = await failureOf(() =>
        provider.charge(charge(providerCustomerId), { idempotencyKey: 'no-card' }),
      );
      expect(failure).toMatchObject({ providerCode: 'no_default_payment_method', transient: false });
    });
  });
});
