import { startFakeMercadoPago, type FakeMercadoPago } from '@platform/testing';
import { providerEnvSchema } from '../src/config/provider-env';
import {
  MercadoPagoFailure,
  MercadoPagoWebhookError,
  type MercadoPagoGateway,
} from '../src/providers/mercadopago/mercadopago-gateway';
import { createMercadoPagoGateway } from '../src/providers/mercadopago/mercadopago-gateway.factory';

// The official `mercadopago` SDK (v3) against the local fake of api.mercadopago.com.
describe('Mercado Pago through its SDK against the fake API', () => {
  let fake: FakeMercadoPago;
  let mp: MercadoPagoGateway;

  function gatewayWith(overrides: Record<string, string> = {}): MercadoPagoGateway {
    const gateway = createMercadoPagoGateway(
      providerEnvSchema.parse({
        MERCADOPAGO_ACCESS_TOKEN: fake.accessToken,
        MERCADOPAGO_WEBHOOK_SECRET: fake.webhookSecret,
        MERCADOPAGO_API_BASE_URL: fake.baseUrl,
        MERCADOPAGO_TIMEOUT_MS: '5000',
        ...overrides,
      }),
      { maxRetries: 0 },
    );
    if (!gateway) throw new Error('Mercado Pago should be configured');
    return gateway;
  }

  const checkout = (idempotencyKey: string) => ({
    organizationId: 'a3f1c2d4-0000-4000-8000-000000000001',
    plan: 'PROFESSIONAL',
    title: 'PROFESSIONAL plan, monthly',
    amountCents: 12_990_000,
    currency: 'COP',
    successUrl: 'https://app.example.test/billing/success',
    failureUrl: 'https://app.example.test/billing/failure',
    notificationUrl: 'https://api.example.test/v1/webhooks/mercadopago',
    idempotencyKey,
  });

  beforeAll(async () => {
    fake = await startFakeMercadoPago();
    mp = gatewayWith();
  });

  afterAll(() => fake.close());

  it('creates a Checkout Pro preference with our organization as external_reference', async () => {
    const created = await mp.createCheckoutPreference(checkout('checkout-key-1'));

    expect(created.checkoutUrl).toBe(
      `https://www.mercadopago.com.co/checkout/v1/redirect?pref_id=${created.preferenceId}`,
    );
    const sent = fake.received[fake.received.length - 1];
    expect(sent).toMatchObject({
      method: 'POST',
      path: '/checkout/preferences/',
      authorization: `Bearer ${fake.accessToken}`,
      idempotencyKey: 'checkout-key-1',
    });
    expect(sent.body).toMatchObject({
      items: [{ id: 'PROFESSIONAL', quantity: 1, unit_price: 129_900, currency_id: 'COP' }],
      external_reference: 'a3f1c2d4-0000-4000-8000-000000000001',
      back_urls: {
        success: 'https://app.example.test/billing/success',
        failure: 'https://app.example.test/billing/failure',
      },
      auto_return: 'approved',
      notification_url: 'https://api.example.test/v1/webhooks/mercadopago',
    });
  });

  it('a retried checkout with the same key gets the same preference (X-Idempotency-Key); another key a new one', async () => {
    const first = await mp.createCheckoutPreference(checkout('checkout-key-2'));
    const retried = await mp.createCheckoutPreference(checkout('checkout-key-2'));
    const other = await mp.createCheckoutPreference(checkout('checkout-key-3'));

    expect(retried.preferenceId).toBe(first.preferenceId);
    expect(other.preferenceId).not.toBe(first.preferenceId);
    expect(fake.received.slice(-3).map((r) => r.idempotencyKey)).toEqual([
      'checkout-key-2',
      'checkout-key-2',
      'checkout-key-3',
    ]);
  });

  it('looks a payment up and reads our organization and the amount in cents from it', async () => {
    const { preferenceId } = await mp.createCheckoutPreference(checkout('checkout-key-4'));
    const paid = fake.pay(preferenceId, 'approved');

    const payment = await mp.getPayment(String(paid.id));

    expect(payment).toMatchObject({
      paymentId: String(paid.id),
      status: 'approved',
      statusDetail: 'accredited',
      organizationId: 'a3f1c2d4-0000-4000-8000-000000000001',
      amountCents: 12_990_000,
      currency: 'COP',
    });
  });

  it('maps SDK errors to MercadoPagoFailure: unknown payment (404), wrong token (401), 500 as transient', async () => {
    await expect(mp.getPayment('1')).rejects.toMatchObject({
      name: 'MercadoPagoFailure',
      httpStatus: 404,
      transient: false,
    });
    await expect(
      gatewayWith({ MERCADOPAGO_ACCESS_TOKEN: 'TEST-wrong' }).getPayment('1'),
    ).rejects.toMatchObject({
      httpStatus: 401,
      transient: false,
    });
    fake.failNext(1);
    const failure = await mp.getPayment('1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MercadoPagoFailure);
    expect(failure).toMatchObject({ httpStatus: 500, transient: true });
  });

  describe('notifications (x-signature)', () => {
    it('accepts a notification signed with the webhook secret and names the payment', async () => {
      const { preferenceId } = await mp.createCheckoutPreference(checkout('checkout-key-5'));
      const paid = fake.pay(preferenceId);
      const notification = fake.notificationFor(paid.id);

      const verified = mp.verifyNotification(notification, new Date());

      expect(verified).toMatchObject({ type: 'payment', action: 'payment.created', dataId: String(paid.id) });
      expect(verified.notificationId).toMatch(/^\d+$/);
    });

    it('refuses a forged signature (another secret)', () => {
      const forged = fake.notificationFor(90_000_000_001, { signWith: 'attacker-secret' });
      expect(() => mp.verifyNotification(forged, new Date())).toThrow(
        expect.objectContaining({ name: 'MercadoPagoWebhookError', reason: 'bad-signature' }),
      );
    });

    it('refuses a signed notification whose query data.id was swapped for another payment', () => {
      const genuine = fake.notificationFor(90_000_000_001);
      const swapped = { ...genuine, query: { ...genuine.query, 'data.id': '90000000002' } };
      expect(() => mp.verifyNotification(swapped, new Date())).toThrow(
        expect.objectContaining({ reason: 'bad-signature' }),
      );
    });

    it('refuses a stale ts beyond MERCADOPAGO_WEBHOOK_TOLERANCE_SECONDS', () => {
      const sixMinutesAgo = Date.now() - 6 * 60 * 1000;
      const stale = fake.notificationFor(90_000_000_001, { tsMs: sixMinutesAgo });
      let error: unknown;
      try {
        mp.verifyNotification(stale, new Date());
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MercadoPagoWebhookError);
      expect((error as MercadoPagoWebhookError).reason).toBe('stale-timestamp');
      // The same notification is fine for a receiver whose window is 10 minutes.
      const patient = gatewayWith({ MERCADOPAGO_WEBHOOK_TOLERANCE_SECONDS: '600' });
      expect(patient.verifyNotification(stale, new Date()).dataId).toBe('90000000001');
    });

    it('refuses a notification without x-signature', () => {
      const notification = fake.notificationFor(90_000_000_001);
      const unsigned = { ...notification, headers: { ...notification.headers, 'x-signature': undefined } };
      expect(() => mp.verifyNotification(unsigned, new Date())).toThrow(
        expect.objectContaining({ reason: 'missing-signature' }),
      );
    });
  });
});
