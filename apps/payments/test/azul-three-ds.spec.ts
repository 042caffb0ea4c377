import { randomUUID } from 'node:crypto';
import {
  PAYMENTS_RPC,
  expectMatchesContract,
  paymentsContract,
  type AzulPaymentDto,
  type Principal,
} from '@platform/contracts';
import { AZUL_TEST_CARDS, waitFor } from '@platform/testing';
import { azulPaymentKey } from '../src/azul-payments/azul-payment.service';
import { signThreeDsCallback } from '../src/providers/azul/azul-three-ds-callback';
import { REGIONAL_PROVIDERS } from '../src/providers/providers.module';
import type { RegionalProviders } from '../src/providers/regional-providers';
import {
  AZUL_CALLBACK_URL,
  member,
  startPaymentsTestApp,
  type PaymentsTestApp,
} from './support/payments-test-app';

/**
 * AZUL 3-D Secure 2.0 end to end: a customer-present Sale of the plan's DOP price (ITBIS included)
 * on a DataVault token → AZUL asks for a challenge → the cardholder passes it at the issuer (the
 * fake's ACS) → the browser posts the cRes (form) to our TermUrl `/v1/webhooks/azul?session=...` →
 * verified, stored in the inbox, 200 → the processor continues the charge with AZUL → ACTIVE.
 */
describe('payments: AZUL 3-D Secure callback', () => {
  let app: PaymentsTestApp;
  let regional: RegionalProviders;

  beforeAll(async () => {
    app = await startPaymentsTestApp({}, { azul: true });
    regional = app.bed.service.app.get(REGIONAL_PROVIDERS);
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  const azul = () => app.azul!;
  const tokenOf = async (card: string) =>
    (await regional.azul!.client.createToken({ number: card, expiration: '202812' })).dataVaultToken;
  const subscriptionOf = (principal: Principal) =>
    app.bed.call(PAYMENTS_RPC.getSubscription, {}, principal) as Promise<{
      status: string;
      plan: string;
      provider: string | null;
    }>;
  /** POST /v1/payments/azul/payments as the gateway sends it: the owner, the Idempotency-Key. */
  const startPayment = async (
    org: string,
    data: { plan: string; paymentToken: string; cardHolderName?: string; email?: string },
    idempotencyKey: string,
  ) => {
    const { data: answer } = await app.bed.rpc.callWithMeta(PAYMENTS_RPC.startAzulPayment, {
      principal: member(org, ['owner']),
      data,
      meta: { requestId: randomUUID(), idempotencyKey },
    });
    return expectMatchesContract(paymentsContract, PAYMENTS_RPC.startAzulPayment, answer) as AzulPaymentDto;
  };
  const paymentOf = (org: string, id: string) =>
    app.bed.call(PAYMENTS_RPC.getAzulPayment, { id }, member(org, ['billing'])) as Promise<AzulPaymentDto>;
  const challengeCalls = () => azul().received.filter((r) => r.operation === 'ProcessThreeDSChallenge');
  /** Starts a PROFESSIONAL payment that AZUL answers with a challenge; the cardholder then answers it. */
  async function challenged(org: string, callerKey: string, authenticated = true) {
    const token = await tokenOf(AZUL_TEST_CARDS.threeDsChallenge);
    const started = await startPayment(
      org,
      { plan: 'PROFESSIONAL', paymentToken: token, cardHolderName: 'Ana Pérez' },
      callerKey,
    );
    expect(started).toMatchObject({ status: 'requires_action', threeDs: { step: 'challenge' } });
    const { cRes, termUrl } = await azul().completeChallenge(
      started.threeDs!.redirectPostUrl!,
      started.threeDs!.creq!,
      authenticated,
    );
    return { token, cRes, termUrl, key: azulPaymentKey(org, callerKey), paymentId: started.id };
  }

  it('a valid callback completes the pending payment with AZUL: ACTIVE, activated, invoice with ITBIS, charged once', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const { cRes, termUrl, key, paymentId } = await challenged(org, 'first-payment');
    expect(termUrl.startsWith(`${AZUL_CALLBACK_URL}?session=`)).toBe(true);

    const response = await app.postAzulCallback(termUrl, { cRes, threeDSSessionData: '' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, duplicate: false });
    await waitFor('active', async () => (await subscriptionOf(owner)).status === 'ACTIVE');
    await app.inboxDrained();

    expect(await subscriptionOf(owner)).toMatchObject({
      status: 'ACTIVE',
      plan: 'PROFESSIONAL',
      provider: 'azul',
    });
    expect(await app.outboxEvents('payments.subscription.activated', org)).toEqual([
      { organizationId: org, plan: 'PROFESSIONAL' },
    ]);
    expect(
      azul()
        .charges()
        .filter((c) => c.customOrderId === key),
    ).toEqual([expect.objectContaining({ trxType: 'Sale', amount: 590_000, itbis: 90_000 })]);
    const invoices = (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, owner)) as { items: object[] };
    expect(invoices.items).toEqual([
      expect.objectContaining({
        provider: 'azul',
        status: 'paid',
        currency: 'DOP',
        subtotalCents: 500_000,
        taxCents: 90_000,
        totalCents: 590_000,
        plan: 'PROFESSIONAL',
      }),
    ]);
    expect(await paymentOf(org, paymentId)).toMatchObject({
      plan: 'PROFESSIONAL',
      status: 'succeeded',
      amountCents: 590_000,
      taxCents: 90_000,
      currency: 'DOP',
      threeDs: null,
    });
    // The card is kept for the monthly charges.
    const [row] = await app.bed.admin.query(
      `SELECT payment_token FROM subscriptions WHERE organization_id = $1`,
      [org],
    );
    expect(row.payment_token).toMatch(/^[0-9A-F]{32}$/);
  });

  it('a suspended AZUL subscription is paid by its owner with a new card: ACTIVE again, reactivated; an active one is refused (409)', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    await app.bed.admin.query(
      `INSERT INTO subscriptions (organization_id, plan, status, provider, provider_customer_id,
         current_period_start, current_period_end, past_due_since, suspended_at, dunning_invoice_id)
       VALUES ($1::uuid, 'PROFESSIONAL', 'SUSPENDED', 'azul', $1::text, now() - interval '40 days',
         now() - interval '10 days', now() - interval '10 days', now() - interval '3 days', 'recurring:x')`,
      [org],
    );
    const { cRes, termUrl, token } = await challenged(org, 'pay-what-is-owed');
    expect((await app.postAzulCallback(termUrl, { cRes })).status).toBe(200);
    await waitFor('active again', async () => (await subscriptionOf(owner)).status === 'ACTIVE');
    await app.inboxDrained();
    expect(await app.outboxEvents('payments.subscription.reactivated', org)).toHaveLength(1);

    await expect(
      startPayment(org, { plan: 'PROFESSIONAL', paymentToken: token }, 'while-active'),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('a retried start (same Idempotency-Key) answers the same payment and charges nothing twice', async () => {
    const org = randomUUID();
    const token = await tokenOf(AZUL_TEST_CARDS.approved);
    const first = await startPayment(org, { plan: 'STARTER', paymentToken: token }, 'retried-start');
    const again = await startPayment(org, { plan: 'STARTER', paymentToken: token }, 'retried-start');

    expect(first).toMatchObject({
      status: 'succeeded',
      plan: 'STARTER',
      amountCents: 295_000,
      taxCents: 45_000,
    });
    expect(again).toEqual(first);
    expect(
      azul()
        .charges()
        .filter((c) => c.customOrderId === azulPaymentKey(org, 'retried-start')),
    ).toHaveLength(1);
    // Already subscribed: another key is a 409, not a second charge.
    await expect(
      startPayment(org, { plan: 'STARTER', paymentToken: token }, 'another-key'),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('cross-tenant and roles: another organization cannot read a payment; an API key or a viewer cannot start one', async () => {
    const orgA = randomUUID();
    const { paymentId } = await challenged(orgA, 'private');
    await expect(
      app.bed.call(PAYMENTS_RPC.getAzulPayment, { id: paymentId }, member(randomUUID(), ['owner'])),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const token = await tokenOf(AZUL_TEST_CARDS.approved);
    for (const principal of [member(orgA, ['owner'], 'api-key'), member(orgA, ['viewer'])]) {
      await expect(
        app.bed.call(PAYMENTS_RPC.startAzulPayment, { plan: 'STARTER', paymentToken: token }, principal),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(
      app.bed.call(
        PAYMENTS_RPC.startAzulPayment,
        { plan: 'STARTER', paymentToken: '4260000000000000 ' },
        member(orgA, ['owner']),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('a duplicate callback (the browser posting twice) is stored once and reaches AZUL once', async () => {
    const org = randomUUID();
    const { cRes, termUrl } = await challenged(org, 'twice');
    const before = challengeCalls().length;

    expect(await (await app.postAzulCallback(termUrl, { cRes })).json()).toEqual({
      received: true,
      duplicate: false,
    });
    expect(await (await app.postAzulCallback(termUrl, { cRes })).json()).toEqual({
      received: true,
      duplicate: true,
    });
    await app.inboxDrained();

    expect(challengeCalls().length).toBe(before + 1);
    expect(await app.outboxEvents('payments.subscription.activated', org)).toHaveLength(1);
  });

  it('the challenge failed at the issuer: AZUL declines, the payment is declined and nothing activates', async () => {
    const org = randomUUID();
    const { cRes, termUrl, key, paymentId } = await challenged(org, 'not-me', false);

    expect((await app.postAzulCallback(termUrl, { cRes })).status).toBe(200);
    await app.inboxDrained();

    expect(await paymentOf(org, paymentId)).toMatchObject({ status: 'declined', threeDs: null });
    expect((await subscriptionOf(member(org, ['owner']))).status).toBe('TRIAL');
    expect(
      azul()
        .charges()
        .filter((c) => c.customOrderId === key),
    ).toEqual([]);
  });

  it('a crash after AZUL approved (the continuation reached AZUL, our commit did not happen): the redelivered callback reads the outcome back, never charges twice', async () => {
    const org = randomUUID();
    const started = await challenged(org, 'crashed');
    // What the crashed attempt did: AZUL completed the challenge, our transaction never committed.
    const [pending] = await app.bed.admin.query(
      `SELECT azul_order_id FROM azul_payments WHERE idempotency_key = $1`,
      [started.key],
    );
    expect(
      (await regional.azul!.client.continueAfterChallenge(pending.azul_order_id, started.cRes)).status,
    ).toBe('approved');

    expect((await app.postAzulCallback(started.termUrl, { cRes: started.cRes })).status).toBe(200);
    await waitFor('active', async () => (await subscriptionOf(member(org, ['owner']))).status === 'ACTIVE');

    expect(
      azul()
        .charges()
        .filter((c) => c.customOrderId === started.key),
    ).toHaveLength(1);
    expect(
      azul().received.filter(
        (r) => r.operation === 'VerifyPayment' && r.body['CustomOrderId'] === started.key,
      ),
    ).toHaveLength(1);
  });

  it('method step first: the method notification continues to the challenge, whose cRes then approves', async () => {
    const org = randomUUID();
    const token = await tokenOf(AZUL_TEST_CARDS.threeDsMethodChallenge);
    const started = await startPayment(org, { plan: 'STARTER', paymentToken: token }, 'method-first');
    expect(started).toMatchObject({ status: 'requires_action', threeDs: { step: 'method' } });
    const sale = azul()
      .received.filter((r) => r.operation === 'ProcessPayment')
      .at(-1)!;
    const methodUrl = (sale.body['ThreeDSAuth'] as { MethodNotificationUrl: string }).MethodNotificationUrl;

    expect(
      (await app.postAzulCallback(methodUrl, { threeDSMethodData: 'eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IngifQ' }))
        .status,
    ).toBe(200);
    await app.inboxDrained();
    const challenge = await paymentOf(org, started.id);
    expect(challenge).toMatchObject({ status: 'requires_action', threeDs: { step: 'challenge' } });

    const { cRes, termUrl } = await azul().completeChallenge(
      challenge!.threeDs!.redirectPostUrl!,
      challenge!.threeDs!.creq!,
      true,
    );
    expect((await app.postAzulCallback(termUrl, { cRes })).status).toBe(200);
    await waitFor('active', async () => (await subscriptionOf(member(org, ['owner']))).status === 'ACTIVE');
    expect((await subscriptionOf(member(org, ['owner']))).plan).toBe('STARTER');
  });

  it.each([
    ['without a session token', (url: URL) => url.searchParams.delete('session'), 'missing-signature'],
    [
      'with a tampered token',
      (url: URL) => url.searchParams.set('session', `${url.searchParams.get('session')}x`),
      'bad-signature',
    ],
    [
      'with a token signed by someone else',
      (url: URL) =>
        url.searchParams.set(
          'session',
          signThreeDsCallback('a-secret-that-is-not-ours-but-32-bytes!', {
            organizationId: randomUUID(),
            idempotencyKey: 'azp:forged',
            kind: 'term',
            exp: Math.floor(Date.now() / 1000) + 600,
          }),
        ),
      'bad-signature',
    ],
  ])(
    'refuses a callback %s: 400 problem+json, nothing stored, AZUL not contacted',
    async (_name, forge, reason) => {
      const org = randomUUID();
      const { cRes, termUrl } = await challenged(org, `forged-${reason}-${randomUUID()}`);
      const url = new URL(termUrl);
      forge(url);
      const inboxBefore = await app.inboxCount();
      const azulBefore = azul().received.length;

      const response = await app.postAzulCallback(url.toString(), { cRes });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({
        code: 'WEBHOOK_SIGNATURE_INVALID',
        detail: `Webhook rejected: ${reason}`,
      });
      expect(await app.inboxCount()).toBe(inboxBefore);
      expect(azul().received.length).toBe(azulBefore);
    },
  );

  it('refuses an expired callback URL (AZUL_CALLBACK_TTL_SECONDS) and a TermUrl post without cRes', async () => {
    const org = randomUUID();
    const { cRes, termUrl } = await challenged(org, 'late');
    const inboxBefore = await app.inboxCount();

    expect((await app.postAzulCallback(termUrl, { threeDSSessionData: '' })).status).toBe(400);
    app.clock.advanceSeconds(901);
    try {
      const late = await app.postAzulCallback(termUrl, { cRes });
      expect(late.status).toBe(400);
      expect(await late.json()).toMatchObject({ detail: 'Webhook rejected: stale-timestamp' });
    } finally {
      app.clock.advanceSeconds(-901);
    }
    expect(await app.inboxCount()).toBe(inboxBefore);
  });

  it('cross-tenant: a genuinely signed callback of organization B naming A’s payment cannot complete it', async () => {
    const orgA = randomUUID();
    const orgB = randomUUID();
    const a = await challenged(orgA, 'victim');
    const crossed = new URL(AZUL_CALLBACK_URL);
    crossed.searchParams.set(
      'session',
      signThreeDsCallback('azul-callback-secret-of-the-payments-tests', {
        organizationId: orgB,
        idempotencyKey: a.key,
        kind: 'term',
        exp: Math.floor(app.clock.now().getTime() / 1000) + 600,
      }),
    );
    const before = challengeCalls().length;

    expect((await app.postAzulCallback(crossed.toString(), { cRes: a.cRes })).status).toBe(200);
    await app.inboxDrained();

    expect(challengeCalls().length).toBe(before);
    expect(await paymentOf(orgA, a.paymentId)).toMatchObject({ status: 'requires_action' });
    expect((await subscriptionOf(member(orgB, ['owner']))).status).toBe('TRIAL');
    // A's own callback still completes it.
    expect((await app.postAzulCallback(a.termUrl, { cRes: a.cRes })).status).toBe(200);
    await waitFor(
      'A active',
      async () => (await subscriptionOf(member(orgA, ['owner']))).status === 'ACTIVE',
    );
  });
});
