import { startFakeMercadoPago, type FakeMercadoPago } from '@platform/testing';
import { providerEnvSchema } from '../src/config/provider-env';
import { PaymentProviderFailure, WebhookVerificationError } from '../src/providers/payment-provider.port';
import { createMercadoPagoGateway } from '../src/providers/mercadopago/mercadopago-gateway.factory';
import { MercadoPagoPaymentProvider } from '../src/providers/mercadopago/mercadopago.provider';

// The Mercado Pago adapter of the payment-provider port: official SDK → local fake.
describe('MercadoPagoPaymentProvider (port adapter) against the fake API', () => {
  const ORG = 'c1d2e3f4-0000-4000-8000-00000000000b';
  let fake: FakeMercadoPago;
  let mp: MercadoPagoPaymentProvider;

  beforeAll(async () => {
    fake = await startFakeMercadoPago();
    const env = providerEnvSchema.parse({
      MERCADOPAGO_ACCESS_TOKEN: fake.accessToken,
      MERCADOPAGO_WEBHOOK_SECRET: fake.webhookSecret,
      MERCADOPAGO_API_BASE_URL: fake.baseUrl,
      MERCADOPAGO_PLAN_PRICES_CENTS: 'STARTER:11900000,PROFESSIONAL:39900000',
    });
    const gateway = createMercadoPagoGateway(env, { maxRetries: 0 });
    if (!gateway) throw new Error('configured');
    mp = new MercadoPagoPaymentProvider(gateway, {
      currency: env.MERCADOPAGO_CURRENCY,
      planPricesCents: env.MERCADOPAGO_PLAN_PRICES_CENTS ?? {},
      notificationUrl: 'https://api.example.test/v1/webhooks/mercadopago',
    });
  });

  afterAll(() => fake.close());

  const checkoutInput = (plan: 'STARTER' | 'PROFESSIONAL' | 'ENTERPRISE') => ({
    organizationId: ORG,
    providerCustomerId: ORG,
    plan,
    successUrl: 'https://app.example.test/billing/ok',
    cancelUrl: 'https://app.example.test/billing/cancel',
  });

  it('creates a Checkout Pro session at the plan’s COP price; the notification of its payment becomes charge.updated', async () => {
    const session = await mp.createCheckout(checkoutInput('PROFESSIONAL'), {
      idempotencyKey: 'mp-checkout-1',
    });
    expect(session.url).toBe(
      `https://www.mercadopago.com.co/checkout/v1/redirect?pref_id=${session.sessionId}`,
    );
    expect(fake.preferences.get(session.sessionId)).toMatchObject({
      items: [{ unit_price: 399_000, currency_id: 'COP' }],
      external_reference: ORG,
      notification_url: 'https://api.example.test/v1/webhooks/mercadopago',
    });

    const paid = fake.pay(session.sessionId, 'approved', new Date('2026-11-03T14:00:00.000Z'));
    const verified = mp.verifyWebhook(fake.notificationFor(paid.id), new Date());
    expect(verified.type).toBe('payment.created');

    const events = await mp.normalizeWebhook({ ...verified, provider: 'mercadopago' });

    expect(events).toEqual([
      {
        kind: 'charge.updated',
        organizationId: ORG,
        providerChargeId: String(paid.id),
        status: 'succeeded',
        amountCents: 39_900_000,
        currency: 'COP',
        plan: 'PROFESSIONAL',
        paidAt: new Date('2026-11-03T14:00:00.000Z'),
        // Not a renewal paid ahead: the month starts when it was paid.
        periodStart: null,
        version: Date.parse('2026-11-03T14:00:00.000Z'),
      },
    ]);
  });

  it('a rejected payment normalizes to declined', async () => {
    const session = await mp.createCheckout(checkoutInput('STARTER'), { idempotencyKey: 'mp-checkout-2' });
    const paid = fake.pay(session.sessionId, 'rejected');
    const verified = mp.verifyWebhook(fake.notificationFor(paid.id), new Date());
    const [event] = await mp.normalizeWebhook({ ...verified, provider: 'mercadopago' });
    expect(event).toMatchObject({ kind: 'charge.updated', status: 'declined', amountCents: 11_900_000 });
  });

  it('refuses forged and stale notifications as WebhookVerificationError', () => {
    const reasonOf = (notification: ReturnType<FakeMercadoPago['notificationFor']>) => {
      try {
        mp.verifyWebhook(notification, new Date());
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(WebhookVerificationError);
        return (error as WebhookVerificationError).reason;
      }
    };
    expect(reasonOf(fake.notificationFor(90_000_000_001, { signWith: 'forged' }))).toBe('bad-signature');
    expect(reasonOf(fake.notificationFor(90_000_000_001, { tsMs: Date.now() - 10 * 60 * 1000 }))).toBe(
      'stale-timestamp',
    );
  });

  it('a plan without a Mercado Pago price is a non-transient failure, and nothing is sent', async () => {
    const before = fake.received.length;
    const failure = await mp
      .createCheckout(checkoutInput('ENTERPRISE'), { idempotencyKey: 'mp-checkout-3' })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PaymentProviderFailure);
    expect(failure).toMatchObject({
      provider: 'mercadopago',
      providerCode: 'plan_price_missing',
      transient: false,
    });
    expect(fake.received.length).toBe(before);
  });
});
