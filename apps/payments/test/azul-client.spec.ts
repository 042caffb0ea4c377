import {
  AZUL_TEST_CARDS,
  createTestPki,
  startFakeAzul,
  type FakeAzul,
  type TestPki,
} from '@platform/testing';
import { providerEnvSchema } from '../src/config/provider-env';
import type { AzulClient } from '../src/providers/azul/azul-client';
import { createAzulClient, type AzulClientHandle } from '../src/providers/azul/azul-client.factory';
import { AzulRejectedError, AzulTimeoutError, AzulUnavailableError } from '../src/providers/azul/azul-errors';
import { AzulTransport } from '../src/providers/azul/azul-transport';

// AZUL's JSON web service spoken over real HTTPS with mutual TLS to the fake in libs/testing.
describe('AZUL client against the fake AZUL web service', () => {
  let pki: TestPki;
  let fake: FakeAzul;
  let handle: AzulClientHandle;
  let azul: AzulClient;
  const handles: AzulClientHandle[] = [];

  function clientWith(overrides: Record<string, string> = {}): AzulClientHandle {
    const env = providerEnvSchema.parse({
      AZUL_URL: fake.url,
      AZUL_MERCHANT_ID: fake.store,
      AZUL_CHANNEL: fake.channel,
      AZUL_AUTH1: fake.auth1,
      AZUL_AUTH2: fake.auth2,
      AZUL_CERT_PATH: pki.clientCertPath,
      AZUL_KEY_PATH: pki.clientKeyPath,
      AZUL_CA_PATH: pki.caCertPath,
      // Generous: only the suites about timeouts shorten it, for calls that are meant to time out.
      AZUL_TIMEOUT_MS: '10000',
      ...overrides,
    });
    const created = createAzulClient(env);
    if (!created) throw new Error('AZUL should be configured');
    handles.push(created);
    return created;
  }

  const card = (number: string) => ({ number, expiration: '202812', cvc: '123' });
  let keySeq = 0;
  const key = () => `order-${process.pid}-${++keySeq}`;

  beforeAll(async () => {
    pki = createTestPki();
    fake = await startFakeAzul({ pki });
    handle = clientWith();
    azul = handle.client;
  });

  afterEach(() => fake.setMode('normal'));

  afterAll(async () => {
    for (const h of handles) h.close();
    await fake.close();
    pki.remove();
  });

  it('approves a sale (IsoCode 00), sending cents, ITBIS, Auth1/Auth2 and the client certificate', async () => {
    const orderKey = key();
    const outcome = await azul.sale({
      idempotencyKey: orderKey,
      amountCents: 118_000,
      itbisCents: 18_000,
      card: card(AZUL_TEST_CARDS.approved),
    });

    expect(outcome).toMatchObject({ status: 'approved', customOrderId: orderKey });
    const sent = fake.received[fake.received.length - 1];
    expect(sent.operation).toBe('ProcessPayment');
    expect(sent.auth1).toBe(fake.auth1);
    expect(sent.auth2).toBe(fake.auth2);
    expect(sent.clientCertificate).toBe('platform-merchant');
    expect(sent.body).toMatchObject({
      Channel: 'EC',
      Store: fake.store,
      TrxType: 'Sale',
      Amount: '118000',
      Itbis: '18000',
      CustomOrderId: orderKey,
      ForceNo3DS: '1',
      PosInputMode: 'E-Commerce',
    });
    expect(fake.charges().filter((c) => c.customOrderId === orderKey)).toHaveLength(1);
  });

  it.each([
    [AZUL_TEST_CARDS.insufficientFunds, '51', 'INSUFICIENCIA DE FONDOS'],
    [AZUL_TEST_CARDS.declined, '05', 'DECLINADA'],
  ])('reports a decline of card %s as IsoCode %s without charging', async (number, isoCode, message) => {
    const orderKey = key();
    const outcome = await azul.sale({
      idempotencyKey: orderKey,
      amountCents: 5000,
      itbisCents: 763,
      card: card(number),
    });

    expect(outcome).toMatchObject({ status: 'declined', isoCode, message });
    expect(fake.charges().filter((c) => c.customOrderId === orderKey)).toHaveLength(0);
  });

  it('turns AZUL not answering into AzulTimeoutError within the configured budget', async () => {
    const quick = clientWith({ AZUL_TIMEOUT_MS: '300' }).client;
    fake.setMode('hang');
    const started = Date.now();

    await expect(
      quick.sale({
        idempotencyKey: key(),
        amountCents: 1000,
        itbisCents: 0,
        card: card(AZUL_TEST_CARDS.approved),
      }),
    ).rejects.toBeInstanceOf(AzulTimeoutError);
    // Lower bound only: a loaded machine may fire the timer late, never early.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('reports an HTML 503 from AZUL as unavailable, not as a decline', async () => {
    fake.setMode('unavailable');
    await expect(
      azul.sale({
        idempotencyKey: key(),
        amountCents: 1000,
        itbisCents: 0,
        card: card(AZUL_TEST_CARDS.approved),
      }),
    ).rejects.toBeInstanceOf(AzulUnavailableError);
  });

  it('holds, then posts the hold (captured once), and a second post is refused', async () => {
    const orderKey = key();
    const hold = await azul.hold({
      idempotencyKey: orderKey,
      amountCents: 20_000,
      itbisCents: 3051,
      card: card(AZUL_TEST_CARDS.approved),
    });
    expect(hold.status).toBe('approved');
    expect(fake.charges().filter((c) => c.customOrderId === orderKey)).toHaveLength(0); // reserved, not taken

    const post = await azul.post(hold.azulOrderId, 18_000, 2746);
    expect(post.status).toBe('approved');
    const posted = fake.received[fake.received.length - 1];
    expect(posted).toMatchObject({
      operation: 'ProcessPost',
      body: { AzulOrderId: hold.azulOrderId, Amount: '18000', Itbis: '2746' },
    });
    expect(
      fake
        .charges()
        .filter((c) => c.customOrderId === orderKey)
        .map((c) => c.amount),
    ).toEqual([18_000]);

    await expect(azul.post(hold.azulOrderId, 18_000, 2746)).rejects.toThrow(
      new AzulRejectedError('ProcessPost', 'Original transaction is invalid or has already been posted'),
    );
  });

  it('refunds a sale once (Refund with the original AzulOrderId); a second refund is refused', async () => {
    const sale = await azul.sale({
      idempotencyKey: key(),
      amountCents: 59_000,
      itbisCents: 9000,
      card: card(AZUL_TEST_CARDS.approved),
    });
    if (sale.status !== 'approved') throw new Error('sale should be approved');

    const refundKey = key();
    const refund = await azul.refund({
      idempotencyKey: refundKey,
      originalAzulOrderId: sale.azulOrderId,
      amountCents: 59_000,
      itbisCents: 9000,
    });

    expect(refund.status).toBe('approved');
    expect(fake.received[fake.received.length - 1].body).toMatchObject({
      TrxType: 'Refund',
      AzulOrderId: sale.azulOrderId,
      Amount: '59000',
      CustomOrderId: refundKey,
    });
    expect(fake.transactions.find((t) => t.azulOrderId === sale.azulOrderId)?.state).toBe('refunded');
    await expect(
      azul.refund({
        idempotencyKey: key(),
        originalAzulOrderId: sale.azulOrderId,
        amountCents: 100,
        itbisCents: 0,
      }),
    ).rejects.toBeInstanceOf(AzulRejectedError);
  });

  it('voids a sale (ProcessVoid): the charge is gone; voiding again is refused', async () => {
    const orderKey = key();
    const sale = await azul.sale({
      idempotencyKey: orderKey,
      amountCents: 2500,
      itbisCents: 381,
      card: card(AZUL_TEST_CARDS.approved),
    });

    const voided = await azul.void(sale.azulOrderId);

    expect(voided.status).toBe('approved');
    expect(fake.received[fake.received.length - 1]).toMatchObject({
      operation: 'ProcessVoid',
      body: { AzulOrderId: sale.azulOrderId },
    });
    expect(fake.charges().filter((c) => c.customOrderId === orderKey)).toHaveLength(0);
    await expect(azul.void(sale.azulOrderId)).rejects.toThrow(
      new AzulRejectedError('ProcessVoid', 'Original transaction is invalid or has already been voided'),
    );
  });

  it('creates a DataVault token, charges it without card data, deletes it; a deleted token is refused', async () => {
    const token = await azul.createToken(card(AZUL_TEST_CARDS.approved));
    expect(token).toMatchObject({
      brand: 'VISA',
      maskedCardNumber: '426000******0000',
      expiration: '202812',
    });
    expect(token.dataVaultToken).toMatch(/^[0-9A-F]{32}$/);

    const orderKey = key();
    const charge = await azul.sale({
      idempotencyKey: orderKey,
      amountCents: 295_000,
      itbisCents: 45_000,
      dataVaultToken: token.dataVaultToken,
    });
    expect(charge.status).toBe('approved');
    const sent = fake.received[fake.received.length - 1].body;
    expect(sent['DataVaultToken']).toBe(token.dataVaultToken);
    expect(sent).not.toHaveProperty('CardNumber');

    await azul.deleteToken(token.dataVaultToken);
    await expect(
      azul.sale({
        idempotencyKey: key(),
        amountCents: 100,
        itbisCents: 0,
        dataVaultToken: token.dataVaultToken,
      }),
    ).rejects.toThrow(new AzulRejectedError('ProcessPayment', 'DataVault TokenId does not exist.'));
  });

  it('returns a DataVault token from a sale that asked to save the card', async () => {
    const outcome = await azul.sale({
      idempotencyKey: key(),
      amountCents: 1000,
      itbisCents: 153,
      card: card(AZUL_TEST_CARDS.approved),
      saveToDataVault: true,
    });
    expect(outcome.status === 'approved' && outcome.dataVaultToken).toMatch(/^[0-9A-F]{32}$/);
  });

  describe('3-D Secure 2.0', () => {
    const threeDs = {
      termUrl: 'https://app.example.test/v1/webhooks/azul/3ds/term?session=s1',
      methodNotificationUrl: 'https://app.example.test/v1/webhooks/azul/3ds/method?session=s1',
      cardHolder: { name: 'Ana Pérez', email: 'ana@example.test' },
    };

    it.each([
      ['passes it: approved (IsoCode 00), charged once', true, { status: 'approved' }, 1],
      [
        'fails it: declined 08 (not authenticated), no charge',
        false,
        { status: 'declined', isoCode: '08' },
        0,
      ],
    ] as const)('challenge, the cardholder %s', async (_case, authenticated, outcome, charged) => {
      const orderKey = key();
      const first = await azul.sale({
        idempotencyKey: orderKey,
        amountCents: 10_000,
        itbisCents: 1525,
        card: card(AZUL_TEST_CARDS.threeDsChallenge),
        threeDs,
      });
      if (first.status !== 'threeDsChallenge') throw new Error(`expected a challenge, got ${first.status}`);
      expect(fake.received[fake.received.length - 1].body).toMatchObject({
        ForceNo3DS: '0',
        ThreeDSAuth: {
          TermUrl: threeDs.termUrl,
          MethodNotificationUrl: threeDs.methodNotificationUrl,
          RequestChallengeIndicator: '01',
        },
        CardHolderInfo: { Name: 'Ana Pérez', Email: 'ana@example.test' },
      });
      expect(fake.charges().filter((c) => c.customOrderId === orderKey)).toHaveLength(0); // nothing before authentication

      // The browser posts creq to the ACS; the ACS posts cRes to our TermUrl.
      const { cRes, termUrl } = await fake.completeChallenge(
        first.redirectPostUrl,
        first.creq,
        authenticated,
      );
      expect(termUrl).toBe(threeDs.termUrl);
      const final = await azul.continueAfterChallenge(first.azulOrderId, cRes);

      expect(final).toMatchObject({ ...outcome, azulOrderId: first.azulOrderId });
      expect(fake.received[fake.received.length - 1]).toMatchObject({
        operation: 'ProcessThreeDSChallenge',
        body: { AzulOrderId: first.azulOrderId, CRes: cRes },
      });
      expect(fake.charges().filter((c) => c.customOrderId === orderKey)).toHaveLength(charged);
      await expect(azul.continueAfterChallenge(first.azulOrderId, cRes)).rejects.toThrow(
        '3DS repost detected.',
      );
    });

    it.each([
      [
        'frictionless: ProcessThreeDSMethod with RECEIVED completes the sale',
        AZUL_TEST_CARDS.threeDsMethodFrictionless,
        'RECEIVED',
        'approved',
      ],
      [
        'then challenge: the method step leads to a challenge, whose cRes then approves',
        AZUL_TEST_CARDS.threeDsMethodChallenge,
        'EXPECTED_BUT_NOT_RECEIVED',
        'threeDsChallenge',
      ],
    ] as const)('method %s', async (_case, cardNumber, methodStatus, afterMethod) => {
      const first = await azul.sale({
        idempotencyKey: key(),
        amountCents: 4000,
        itbisCents: 610,
        card: card(cardNumber),
        threeDs,
      });
      if (first.status !== 'threeDsMethod') throw new Error(`expected the method step, got ${first.status}`);
      expect(first.methodForm).toContain('threeDSMethodData');
      expect(first.methodForm).toContain(threeDs.methodNotificationUrl);

      const second = await azul.continueAfterThreeDsMethod(first.azulOrderId, methodStatus);

      expect(second).toMatchObject({ status: afterMethod, azulOrderId: first.azulOrderId });
      expect(fake.received[fake.received.length - 1]).toMatchObject({
        operation: 'ProcessThreeDSMethod',
        body: { AzulOrderId: first.azulOrderId, MethodNotificationStatus: methodStatus },
      });
      if (second.status === 'threeDsChallenge') {
        const { cRes } = await fake.completeChallenge(second.redirectPostUrl, second.creq, true);
        await expect(azul.continueAfterChallenge(second.azulOrderId, cRes)).resolves.toMatchObject({
          status: 'approved',
        });
      }
    });
  });

  describe('idempotent retries (CustomOrderId)', () => {
    it('a retry after a lost answer returns the original approval and charges once (fake replays)', async () => {
      const quick = clientWith({ AZUL_TIMEOUT_MS: '300' }).client;
      const orderKey = key();
      const charge = {
        idempotencyKey: orderKey,
        amountCents: 118_000,
        itbisCents: 18_000,
        card: card(AZUL_TEST_CARDS.approved),
      };
      fake.setMode('answer-lost'); // AZUL charges, the answer never arrives
      await expect(quick.sale(charge)).rejects.toBeInstanceOf(AzulTimeoutError);
      expect(fake.charges().filter((c) => c.customOrderId === orderKey)).toHaveLength(1);

      fake.setMode('normal');
      // The retry (same key) through a client whose budget a loaded machine cannot exceed by accident.
      const retried = await azul.sale(charge);

      expect(retried.status).toBe('approved');
      const charges = fake.charges().filter((c) => c.customOrderId === orderKey);
      expect(charges).toHaveLength(1);
      expect(retried.azulOrderId).toBe(charges[0].azulOrderId);
      expect(fake.received.filter((r) => r.body['CustomOrderId'] === orderKey)).toHaveLength(2);
    });

    it('when AZUL answers WRONG TRANSACTION STATE to the retry, the client finds the original with VerifyPayment', async () => {
      const strictFake = await startFakeAzul({ pki, duplicatePolicy: 'reject' });
      const strictClient = (timeoutMs: string) => {
        const created = createAzulClient(
          providerEnvSchema.parse({
            AZUL_URL: strictFake.url,
            AZUL_MERCHANT_ID: strictFake.store,
            AZUL_AUTH1: strictFake.auth1,
            AZUL_AUTH2: strictFake.auth2,
            AZUL_CERT_PATH: pki.clientCertPath,
            AZUL_KEY_PATH: pki.clientKeyPath,
            AZUL_CA_PATH: pki.caCertPath,
            AZUL_TIMEOUT_MS: timeoutMs,
          }),
        );
        if (!created) throw new Error('configured');
        handles.push(created);
        return created.client;
      };
      const impatient = strictClient('300');
      const strict = strictClient('10000');
      try {
        const orderKey = key();
        const charge = {
          idempotencyKey: orderKey,
          amountCents: 7000,
          itbisCents: 1068,
          card: card(AZUL_TEST_CARDS.approved),
        };
        strictFake.setMode('answer-lost');
        await expect(impatient.sale(charge)).rejects.toBeInstanceOf(AzulTimeoutError);
        strictFake.setMode('normal');

        const retried = await strict.sale(charge);

        expect(retried.status).toBe('approved');
        expect(strictFake.received.map((r) => r.operation)).toEqual([
          'ProcessPayment',
          'ProcessPayment',
          'VerifyPayment',
        ]);
        expect(strictFake.charges()).toHaveLength(1);
        expect(retried.azulOrderId).toBe(strictFake.charges()[0].azulOrderId);
        await expect(strict.findByIdempotencyKey('never-sent')).resolves.toBeNull();
      } finally {
        await strictFake.close();
      }
    });

    it('a declined charge retried with the same key stays one declined attempt', async () => {
      const orderKey = key();
      const charge = {
        idempotencyKey: orderKey,
        amountCents: 5000,
        itbisCents: 763,
        card: card(AZUL_TEST_CARDS.insufficientFunds),
      };
      const first = await azul.sale(charge);
      const second = await azul.sale(charge);
      expect(second).toEqual(first);
      expect(fake.transactions.filter((t) => t.customOrderId === orderKey)).toHaveLength(1);
    });
  });

  describe('authentication', () => {
    it.each([
      [
        'a certificate AZUL did not issue is refused as INVALID_CLIENT_CERT',
        'stranger',
        'INVALID_CLIENT_CERT',
      ],
      ['no client certificate is refused as MISSING_CLIENT_CERT', 'none', 'MISSING_CLIENT_CERT'],
    ] as const)('a client with %s, charging nothing', async (_case, certificate, description) => {
      const transport = new AzulTransport({
        url: fake.url,
        auth1: fake.auth1,
        auth2: fake.auth2,
        ca: pki.read(pki.caCertPath),
        timeoutMs: 2000,
        cert: certificate === 'stranger' ? pki.read(pki.strangerCertPath) : '',
        key: certificate === 'stranger' ? pki.read(pki.strangerKeyPath) : '',
      });
      const before = fake.transactions.length;
      try {
        await expect(
          transport.send('ProcessPayment', { Channel: fake.channel, Store: fake.store, TrxType: 'Sale' }),
        ).resolves.toMatchObject({ ResponseCode: 'Error', ErrorDescription: description });
      } finally {
        transport.close();
      }
      expect(fake.transactions.length).toBe(before);
    });

    it('wrong Auth2 is refused as INVALID_AUTH:Auth and charges nothing', async () => {
      const wrong = clientWith({ AZUL_AUTH2: 'not-the-secret' }).client;
      const before = fake.transactions.length;
      await expect(
        wrong.sale({
          idempotencyKey: key(),
          amountCents: 1000,
          itbisCents: 0,
          card: card(AZUL_TEST_CARDS.approved),
        }),
      ).rejects.toThrow(new AzulRejectedError('ProcessPayment', 'INVALID_AUTH:Auth'));
      expect(fake.transactions.length).toBe(before);
    });
  });
});
