import {
  AZUL_TEST_CARDS,
  createTestPki,
  startFakeAzul,
  type FakeAzul,
  type TestPki,
} from '@platform/testing';
import { providerEnvSchema } from '../src/config/provider-env';
import { PaymentProviderFailure, WebhookVerificationError } from '../src/providers/payment-provider.port';
import { createAzulClient, type AzulClientHandle } from '../src/providers/azul/azul-client.factory';
import { AzulPaymentProvider, type AzulThreeDsCallbackPayload } from '../src/providers/azul/azul.provider';

// The AZUL adapter of the payment-provider port, over real mutual TLS to the fake AZUL.
describe('AzulPaymentProvider (port adapter) against the fake AZUL', () => {
  const CALLBACK_SECRET = 'a-callback-secret-of-at-least-32-bytes';
  const ORG = 'b7e0c1a2-0000-4000-8000-00000000000a';
  let pki: TestPki;
  let fake: FakeAzul;
  const handles: AzulClientHandle[] = [];
  let azul: AzulPaymentProvider;
  let now: Date;
  let seq = 0;
  const key = () => `port-${process.pid}-${++seq}`;

  function providerWith(timeoutMs = '10000'): AzulPaymentProvider {
    const handle = createAzulClient(
      providerEnvSchema.parse({
        AZUL_URL: fake.url,
        AZUL_MERCHANT_ID: fake.store,
        AZUL_AUTH1: fake.auth1,
        AZUL_AUTH2: fake.auth2,
        AZUL_CERT_PATH: pki.clientCertPath,
        AZUL_KEY_PATH: pki.clientKeyPath,
        AZUL_CA_PATH: pki.caCertPath,
        AZUL_TIMEOUT_MS: timeoutMs,
      }),
    );
    if (!handle) throw new Error('configured');
    handles.push(handle);
    return new AzulPaymentProvider(handle.client, {
      callbackSecret: CALLBACK_SECRET,
      callbackTtlSeconds: 900,
      now: () => now,
    });
  }

  async function tokenOf(cardNumber: string): Promise<string> {
    return (await handles[0].client.createToken({ number: cardNumber, expiration: '202812' })).dataVaultToken;
  }

  const charge = (paymentToken: string, extra: Record<string, unknown> = {}) => ({
    organizationId: ORG,
    paymentToken,
    amountCents: 590_000,
    taxCents: 90_000,
    currency: 'DOP',
    description: 'PROFESSIONAL 2026-11',
    ...extra,
  });

  beforeAll(async () => {
    pki = createTestPki();
    fake = await startFakeAzul({ pki });
    now = new Date();
    azul = providerWith();
  });

  afterEach(() => fake.setMode('normal'));

  afterAll(async () => {
    for (const h of handles) h.close();
    await fake.close();
    pki.remove();
  });

  it('charges a DataVault token with the idempotency key as CustomOrderId', async () => {
    const token = await tokenOf(AZUL_TEST_CARDS.approved);
    const orderKey = key();

    const result = await azul.charge(charge(token), { idempotencyKey: orderKey });

    expect(result).toMatchObject({ status: 'succeeded' });
    expect(fake.received[fake.received.length - 1].body).toMatchObject({
      TrxType: 'Sale',
      DataVaultToken: token,
      Amount: '590000',
      Itbis: '90000',
      CustomOrderId: orderKey,
      ForceNo3DS: '1',
    });
    expect(
      fake
        .charges()
        .filter((c) => c.customOrderId === orderKey)
        .map((c) => c.azulOrderId),
    ).toEqual([result.providerChargeId]);
  });

  it('refuses a charge without idempotency key or in another currency, sending nothing', async () => {
    const token = await tokenOf(AZUL_TEST_CARDS.approved);
    const before = fake.received.length;
    await expect(azul.charge(charge(token), {})).rejects.toMatchObject({
      providerCode: 'idempotency_key_missing',
    });
    await expect(
      azul.charge(charge(token, { currency: 'USD' }), { idempotencyKey: key() }),
    ).rejects.toMatchObject({
      providerCode: 'currency_not_supported',
    });
    expect(fake.received.length).toBe(before);
  });

  it('reports a decline with AZUL’s IsoCode', async () => {
    const token = await tokenOf(AZUL_TEST_CARDS.insufficientFunds);
    await expect(azul.charge(charge(token), { idempotencyKey: key() })).resolves.toMatchObject({
      status: 'declined',
      declineCode: '51',
      declineMessage: 'INSUFICIENCIA DE FONDOS',
    });
  });

  it('authorizes only (Hold), captures (Post, ITBIS computed from the amount), refunds part, voids another', async () => {
    const token = await tokenOf(AZUL_TEST_CARDS.approved);
    const hold = await azul.charge(charge(token, { authorizeOnly: true }), { idempotencyKey: key() });
    expect(hold.status).toBe('authorized');

    const captured = await azul.capture!({ providerChargeId: hold.providerChargeId, amountCents: 118_000 });
    expect(captured.status).toBe('succeeded');
    // 1,180.00 with ITBIS included: 1,000.00 + 180.00.
    expect(fake.received[fake.received.length - 1].body).toMatchObject({ Amount: '118000', Itbis: '18000' });

    const refundKey = key();
    const refund = await azul.refund!(
      { providerChargeId: captured.providerChargeId, amountCents: 59_000 },
      { idempotencyKey: refundKey },
    );
    expect(refund.status).toBe('succeeded');
    expect(fake.received[fake.received.length - 1].body).toMatchObject({
      TrxType: 'Refund',
      Amount: '59000',
      Itbis: '9000',
      CustomOrderId: refundKey,
    });

    const other = await azul.charge(charge(token), { idempotencyKey: key() });
    await expect(azul.void!({ providerChargeId: other.providerChargeId })).resolves.toMatchObject({
      status: 'succeeded',
    });
    await expect(azul.void!({ providerChargeId: other.providerChargeId })).rejects.toMatchObject({
      name: 'PaymentProviderFailure',
      providerCode: 'Original transaction is invalid or has already been voided',
      transient: false,
    });
  });

  it('maps AZUL not answering to a transient PaymentProviderFailure (retry with the same key)', async () => {
    const impatient = providerWith('300');
    const token = await tokenOf(AZUL_TEST_CARDS.approved);
    fake.setMode('hang');
    const failure = await impatient.charge(charge(token), { idempotencyKey: key() }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PaymentProviderFailure);
    expect(failure).toMatchObject({ provider: 'azul', providerCode: 'timeout', transient: true });
  });

  describe('3-D Secure 2.0 through /v1/webhooks/azul', () => {
    const returnUrl = 'https://api.example.test/v1/webhooks/azul';

    it('challenge: signed TermUrl → ACS → browser posts cRes → verifyWebhook names the charge → AZUL completes it', async () => {
      const token = await tokenOf(AZUL_TEST_CARDS.threeDsChallenge);
      const orderKey = key();
      const first = await azul.charge(
        charge(token, { threeDSecure: { returnUrl, browserInfo: { cardHolderName: 'Ana Pérez' } } }),
        {
          idempotencyKey: orderKey,
        },
      );
      expect(first).toMatchObject({ status: 'requires_action', threeDs: { step: 'challenge' } });
      const sent = fake.received[fake.received.length - 1].body as {
        ThreeDSAuth: { TermUrl: string };
        CardHolderInfo: unknown;
      };
      expect(sent.CardHolderInfo).toEqual({ Name: 'Ana Pérez' });
      const termUrl = new URL(sent.ThreeDSAuth.TermUrl);
      expect(termUrl.origin + termUrl.pathname).toBe(returnUrl);

      // The cardholder passes the challenge; the ACS makes the browser POST cRes to our TermUrl.
      const { cRes, termUrl: postedTo } = await fake.completeChallenge(
        first.threeDs!.redirectPostUrl!,
        first.threeDs!.creq!,
        true,
      );
      expect(postedTo).toBe(sent.ThreeDSAuth.TermUrl);
      const callback = {
        rawBody: Buffer.from(new URLSearchParams({ cRes, threeDSSessionData: '' }).toString()),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        query: Object.fromEntries(new URL(postedTo).searchParams),
      };
      const verified = azul.verifyWebhook(callback, now);
      expect(verified).toMatchObject({
        providerEventId: `3ds:term:${ORG}:${orderKey}`,
        type: 'three-ds.challenge-completed',
      });
      const payload = verified.payload as AzulThreeDsCallbackPayload;
      expect(payload).toEqual({ organizationId: ORG, idempotencyKey: orderKey, kind: 'term', cRes });
      await expect(azul.normalizeWebhook({ ...verified, provider: 'azul' })).resolves.toEqual([
        {
          kind: 'three-ds.completed',
          organizationId: ORG,
          idempotencyKey: orderKey,
          step: 'challenge',
          cRes,
          version: verified.createdAt.getTime(),
        },
      ]);

      // Applying that fact continues the charge with AZUL, which authorizes.
      const final = await handles[0].client.continueAfterChallenge(first.threeDs!.azulOrderId, payload.cRes!);
      expect(final.status).toBe('approved');
      expect(fake.charges().filter((c) => c.customOrderId === orderKey)).toHaveLength(1);
    });

    it('refuses a callback without our session token, with a forged one, or after it expired', () => {
      const body = { rawBody: Buffer.from('cRes=abc'), headers: {} };
      const refusal = (query: Record<string, string>, at: Date) => {
        try {
          azul.verifyWebhook({ ...body, query }, at);
          return 'accepted';
        } catch (error) {
          expect(error).toBeInstanceOf(WebhookVerificationError);
          return (error as WebhookVerificationError).reason;
        }
      };
      expect(refusal({}, now)).toBe('missing-signature');
      expect(refusal({ session: 'eyJvcmdhbml6YXRpb25JZCI6Im9yZy0yIn0.AAAA' }, now)).toBe('bad-signature');
    });

    it('a TermUrl callback expires after AZUL_CALLBACK_TTL_SECONDS', async () => {
      const token = await tokenOf(AZUL_TEST_CARDS.threeDsChallenge);
      await azul.charge(charge(token, { threeDSecure: { returnUrl } }), { idempotencyKey: key() });
      const termUrl = new URL(
        (fake.received[fake.received.length - 1].body as { ThreeDSAuth: { TermUrl: string } }).ThreeDSAuth
          .TermUrl,
      );
      const request = {
        rawBody: Buffer.from('cRes=abc'),
        headers: {},
        query: Object.fromEntries(termUrl.searchParams),
      };
      expect(azul.verifyWebhook(request, new Date(now.getTime() + 899_000)).type).toBe(
        'three-ds.challenge-completed',
      );
      expect(() => azul.verifyWebhook(request, new Date(now.getTime() + 901_000))).toThrow(
        expect.objectContaining({ reason: 'stale-timestamp' }),
      );
    });
  });
});
