import { createServer } from 'node:net';
import {
  AZUL_TEST_CARDS,
  createTestPki,
  startFakeAzul,
  type FakeAzul,
  type TestPki,
} from '@platform/testing';
import { FakeStripe } from '@platform/testing';
import { providerEnvSchema } from '../src/config/provider-env';
import { StripePaymentProvider } from '../src/providers/stripe/stripe.provider';
import { createAzulClient, type AzulClientHandle } from '../src/providers/azul/azul-client.factory';
import { AzulTokenCharge } from '../src/providers/azul/azul-token-charge';
import {
  RecurringChargeDeferredError,
  RecurringChargeRouter,
  type RecurringCharge,
  type TokenChargeInput,
  type TokenChargeProvider,
  type TokenChargeResult,
} from '../src/providers/azul/recurring-charge-router';

/**
 * The real Stripe adapter against FakeStripe, recording the off-session PaymentIntents it creates
 * (the fallback's charges) so each case sees only its own.
 */
class RecordingStripe implements TokenChargeProvider {
  readonly name = 'stripe';
  readonly calls: Array<{ input: TokenChargeInput; idempotencyKey: string }> = [];
  constructor(private readonly adapter: StripePaymentProvider) {}
  async charge(input: TokenChargeInput, options: { idempotencyKey: string }): Promise<TokenChargeResult> {
    this.calls.push({ input, idempotencyKey: options.idempotencyKey });
    return this.adapter.charge(input, options);
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('RecurringChargeRouter: AZUL first, Stripe while AZUL is down', () => {
  let pki: TestPki;
  let fake: FakeAzul;
  let now: number;
  const handles: AzulClientHandle[] = [];
  let token: string;
  let fakeStripe: FakeStripe;
  let stripeAdapter: StripePaymentProvider;
  /** Each organization's Stripe customer, with a saved default card. */
  const stripeCustomers = new Map<string, string>();

  function azulClient(url: string, timeoutMs = 10_000): AzulClientHandle {
    const handle = createAzulClient(
      providerEnvSchema.parse({
        AZUL_URL: url,
        AZUL_MERCHANT_ID: fake.store,
        AZUL_AUTH1: fake.auth1,
        AZUL_AUTH2: fake.auth2,
        AZUL_CERT_PATH: pki.clientCertPath,
        AZUL_KEY_PATH: pki.clientKeyPath,
        AZUL_CA_PATH: pki.caCertPath,
        AZUL_TIMEOUT_MS: String(timeoutMs),
        AZUL_BREAKER_CONSECUTIVE_FAILURES: '3',
        AZUL_BREAKER_COOLDOWN_MS: '60000',
      }),
      { now: () => now },
    );
    if (!handle) throw new Error('configured');
    handles.push(handle);
    return handle;
  }

  const monthly = (org: string, extra: Partial<RecurringCharge> = {}): RecurringCharge => ({
    organizationId: org,
    idempotencyKey: `recurring:${org}:2026-11`,
    amountCents: 295_000,
    taxCents: 45_000,
    currency: 'DOP',
    description: 'PROFESSIONAL 2026-11',
    azulToken: token,
    fallbackToken: stripeCustomers.get(org),
    ...extra,
  });

  beforeAll(async () => {
    pki = createTestPki();
    fake = await startFakeAzul({ pki });
    now = 1_800_000_000_000;
    const setup = azulClient(fake.url).client;
    token = (await setup.createToken({ number: AZUL_TEST_CARDS.approved, expiration: '202812' }))
      .dataVaultToken;
    fakeStripe = await new FakeStripe({ prices: [] }).start();
    stripeAdapter = new StripePaymentProvider({
      STRIPE_SECRET_KEY: fakeStripe.secretKey,
      STRIPE_WEBHOOK_SECRET: fakeStripe.webhookSecret,
      STRIPE_WEBHOOK_TOLERANCE_SECONDS: 300,
      STRIPE_API_URL: fakeStripe.url,
      STRIPE_TIMEOUT_MS: 5000,
      STRIPE_PRICE_STARTER: undefined,
      STRIPE_PRICE_PROFESSIONAL: undefined,
      STRIPE_PRICE_ENTERPRISE: undefined,
    });
    for (const org of [
      'org-healthy',
      'org-broke',
      'org-a',
      'org-b',
      'org-c',
      'org-d',
      'org-e',
      'org-h0',
      'org-h1',
      'org-h2',
    ]) {
      const { providerCustomerId } = await stripeAdapter.createCustomer({ organizationId: org }, {});
      fakeStripe.attachDefaultPaymentMethod(providerCustomerId);
      stripeCustomers.set(org, providerCustomerId);
    }
  });

  afterEach(() => fake.setMode('normal'));

  afterAll(async () => {
    for (const h of handles) h.close();
    await fake.close();
    await fakeStripe.stop();
    pki.remove();
  });

  it('charges AZUL while it is healthy; the fallback is not touched', async () => {
    const { client } = azulClient(fake.url);
    const stripe = new RecordingStripe(stripeAdapter);
    const router = new RecurringChargeRouter(new AzulTokenCharge(client), client.breaker, stripe);

    const routed = await router.charge(monthly('org-healthy'));

    expect(routed).toMatchObject({ provider: 'azul', reason: 'primary', result: { status: 'succeeded' } });
    expect(
      fake
        .charges()
        .filter((c) => c.customOrderId === 'recurring:org-healthy:2026-11')
        .map((c) => c.amount),
    ).toEqual([295_000]);
    expect(fake.received[fake.received.length - 1].body).toMatchObject({
      DataVaultToken: token,
      Itbis: '45000',
      ForceNo3DS: '1',
    });
    expect(stripe.calls).toHaveLength(0);
  });

  it('a decline from AZUL is returned as is, never re-routed to Stripe', async () => {
    const { client } = azulClient(fake.url);
    const declinedToken = (
      await client.createToken({ number: AZUL_TEST_CARDS.insufficientFunds, expiration: '202812' })
    ).dataVaultToken;
    const stripe = new RecordingStripe(stripeAdapter);
    const router = new RecurringChargeRouter(new AzulTokenCharge(client), client.breaker, stripe);

    const routed = await router.charge(monthly('org-broke', { azulToken: declinedToken }));

    expect(routed).toMatchObject({ provider: 'azul', result: { status: 'declined', declineCode: '51' } });
    expect(stripe.calls).toHaveLength(0);
  });

  it('opens the breaker after 3 AZUL timeouts, then sends recurring charges to Stripe without calling AZUL; recovers after the cool-down', async () => {
    // Short enough to wait out three times, long enough for the recovery probe on a loaded machine.
    const { client } = azulClient(fake.url, 3000);
    const stripe = new RecordingStripe(stripeAdapter);
    const router = new RecurringChargeRouter(new AzulTokenCharge(client), client.breaker, stripe);

    // AZUL takes the charges but its answers are lost: outcome unknown, so never re-routed.
    fake.setMode('answer-lost');
    for (const org of ['org-a', 'org-b', 'org-c']) {
      await expect(router.charge(monthly(org))).rejects.toMatchObject({
        name: 'RecurringChargeDeferredError',
        reason: 'azul-outcome-unknown',
      });
    }
    expect(client.breaker.state).toBe('open');
    expect(stripe.calls).toHaveLength(0);

    // Breaker open: a fresh charge goes to Stripe and AZUL hears nothing of it.
    const sentToAzul = fake.received.length;
    const routed = await router.charge(monthly('org-d'));
    expect(routed).toMatchObject({
      provider: 'stripe',
      reason: 'azul-circuit-open',
      result: { status: 'succeeded' },
    });
    expect(stripe.calls).toEqual([
      {
        idempotencyKey: 'recurring:org-d:2026-11',
        input: expect.objectContaining({
          organizationId: 'org-d',
          paymentToken: stripeCustomers.get('org-d'),
          amountCents: 295_000,
        }),
      },
    ]);
    // Stripe took it off-session from the saved card, under the same key.
    expect(
      fakeStripe.paymentIntents.succeeded().filter((pi) => pi.customer === stripeCustomers.get('org-d')),
    ).toEqual([expect.objectContaining({ amount: 295_000, currency: 'dop' })]);
    expect(fakeStripe.requests.filter((r) => r.path === '/v1/payment_intents').at(-1)?.idempotencyKey).toBe(
      'recurring:org-d:2026-11',
    );

    // org-a's outcome at AZUL is unknown: it must wait for AZUL, not go to Stripe.
    await expect(router.charge(monthly('org-a', { azulOutcomeUnknown: true }))).rejects.toMatchObject({
      reason: 'azul-outcome-unknown',
    });
    expect(fake.received.length).toBe(sentToAzul);
    expect(stripe.calls).toHaveLength(1);

    // After the cool-down AZUL answers again: the probe closes the breaker, and org-a's retry with the
    // same key finds the charge AZUL already took instead of taking it twice.
    fake.setMode('normal');
    now += 60_000;
    const retried = await router.charge(monthly('org-a', { azulOutcomeUnknown: true }));
    expect(retried).toMatchObject({ provider: 'azul', reason: 'primary', result: { status: 'succeeded' } });
    expect(client.breaker.state).toBe('closed');
    expect(fake.charges().filter((c) => c.customOrderId === 'recurring:org-a:2026-11')).toHaveLength(1);
  });

  it('falls back when AZUL was provably not reached (connection refused)', async () => {
    const unreachable = azulClient(
      `https://127.0.0.1:${await closedPort()}/WebServices/JSON/Default.aspx`,
    ).client;
    const stripe = new RecordingStripe(stripeAdapter);
    const router = new RecurringChargeRouter(new AzulTokenCharge(unreachable), unreachable.breaker, stripe);

    const routed = await router.charge(monthly('org-e'));

    expect(routed).toMatchObject({ provider: 'stripe', reason: 'azul-not-reached' });
  });

  it('without a fallback token the charge is deferred, not lost', async () => {
    const { client } = azulClient(fake.url, 500);
    fake.setMode('hang');
    for (let i = 0; i < 3; i++)
      await router(client)
        .charge(monthly(`org-h${i}`))
        .catch(() => undefined);
    expect(client.breaker.state).toBe('open');

    const error = await router(client)
      .charge(monthly('org-f', { fallbackToken: undefined }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecurringChargeDeferredError);
    expect(error).toMatchObject({ reason: 'no-provider' });

    function router(azul: typeof client) {
      return new RecurringChargeRouter(
        new AzulTokenCharge(azul),
        azul.breaker,
        new RecordingStripe(stripeAdapter),
      );
    }
  });
});
