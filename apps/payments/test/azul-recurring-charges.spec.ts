import { randomUUID } from 'node:crypto';
import { PAYMENTS_RPC } from '@platform/contracts';
import { AZUL_TEST_CARDS } from '@platform/testing';
import { DunningJob } from '../src/dunning/dunning.job';
import { REGIONAL_PROVIDERS } from '../src/providers/providers.module';
import type { RegionalProviders } from '../src/providers/regional-providers';
import { RecurringChargeJob } from '../src/recurring/recurring-charge.job';
import { saveFallbackCard } from './support/fallback-card';
import { member, startPaymentsTestApp, type PaymentsTestApp } from './support/payments-test-app';

/**
 * AZUL monthly charges run by the scheduled job on the service clock (seed 003): a notice 3 days
 * before, exactly once; the charge of the DataVault token with CustomOrderId `recurring:<org>:<period>`
 * at the period's end, never twice (a second run, two at once, a crash after AZUL approved); a
 * decline → dunning; AZUL's breaker open → Stripe takes it (off-session PaymentIntent), once.
 * Organizations start on different days so each step's run concerns one of them.
 */
describe('payments: AZUL recurring monthly charges', () => {
  let app: PaymentsTestApp;
  let job: RecurringChargeJob;
  let regional: RegionalProviders;
  const orgs = { notice: randomUUID(), crash: randomUUID(), decline: randomUUID(), fallback: randomUUID() };
  const email = (org: string) => `billing-${org.slice(0, 8)}@example.test`;
  const key = (org: string, day: string) => `recurring:${org}:${day}`;

  beforeAll(async () => {
    app = await startPaymentsTestApp(
      // One outage opens AZUL's breaker; a timed-out AZUL answer is waited for 1.5 s.
      { AZUL_BREAKER_CONSECUTIVE_FAILURES: '1', AZUL_BREAKER_COOLDOWN_MS: '60000', AZUL_TIMEOUT_MS: '1500' },
      { azul: true },
    );
    job = app.bed.service.app.get(RecurringChargeJob);
    regional = app.bed.service.app.get(REGIONAL_PROVIDERS);
    const token = (
      await regional.azul!.client.createToken({ number: AZUL_TEST_CARDS.approved, expiration: '202812' })
    ).dataVaultToken;
    for (const [org, day] of [
      [orgs.notice, '2026-11-10'],
      [orgs.crash, '2026-11-15'],
      [orgs.decline, '2026-11-20'],
      [orgs.fallback, '2026-11-25'],
    ] as const) {
      app.clock.set(new Date(`${day}T12:00:00.000Z`));
      const { data: started } = await app.bed.rpc.callWithMeta(PAYMENTS_RPC.startAzulPayment, {
        principal: member(org, ['owner']),
        data: { plan: 'PROFESSIONAL', paymentToken: token, email: email(org) },
        meta: { requestId: randomUUID(), idempotencyKey: `first-${org}` },
      });
      expect(started).toMatchObject({ status: 'succeeded' });
    }
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  const at = (iso: string) => app.clock.set(new Date(iso));
  const subscription = (org: string) =>
    app.bed.call(PAYMENTS_RPC.getSubscription, {}, member(org, ['owner'])) as Promise<{
      status: string;
      provider: string;
      currentPeriodStart: string;
      currentPeriodEnd: string;
      nextPaymentRetryAt: string | null;
    }>;
  const azulCharges = (customOrderId: string) =>
    app.azul!.charges().filter((c) => c.customOrderId === customOrderId);
  const mailsTo = (org: string, subject: RegExp) =>
    app.mail.messages().filter((m) => m.to.includes(email(org)) && subject.test(m.subject));
  const invoicesOf = async (org: string) =>
    (
      (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, member(org, ['billing']))) as {
        items: {
          provider: string;
          status: string;
          totalCents: number;
          taxCents: number;
          periodStart: string;
        }[];
      }
    ).items;

  it('sends the notice 3 days before the charge, exactly once', async () => {
    at('2026-12-07T11:59:00.000Z');
    expect(await job.runDue()).toEqual([]);
    at('2026-12-07T12:01:00.000Z');
    expect(await job.runDue()).toEqual([orgs.notice]);
    expect(await job.runDue()).toEqual([]);
    const notice = await app.mail.waitForMessage(email(orgs.notice), { subject: /renews on 2026-12-10/ });
    expect(notice.text).toContain('DOP 5900.00');
    expect(mailsTo(orgs.notice, /renews/)).toHaveLength(1);
    expect(azulCharges(key(orgs.notice, '2026-12-10'))).toEqual([]);
  });

  it('charges the DataVault token at the period’s end, once even when the job runs again or twice at once', async () => {
    at('2026-12-10T12:01:00.000Z');
    const [first, second] = await Promise.all([job.runDue(), job.runDue()]);
    expect([...first, ...second]).toEqual([orgs.notice]);
    expect(await job.runDue()).toEqual([]);

    expect(azulCharges(key(orgs.notice, '2026-12-10'))).toEqual([
      expect.objectContaining({ trxType: 'Sale', amount: 590_000, itbis: 90_000 }),
    ]);
    const sent = app.azul!.received.find(
      (r) => r.operation === 'ProcessPayment' && r.body['CustomOrderId'] === key(orgs.notice, '2026-12-10'),
    )!;
    expect(sent.body).toMatchObject({ ForceNo3DS: '1', Amount: '590000', Itbis: '90000' });
    expect(await subscription(orgs.notice)).toMatchObject({
      status: 'ACTIVE',
      provider: 'azul',
      currentPeriodStart: '2026-12-10T12:00:00.000Z',
      currentPeriodEnd: '2027-01-10T12:00:00.000Z',
    });
    expect((await invoicesOf(orgs.notice))[0]).toMatchObject({
      provider: 'azul',
      status: 'paid',
      totalCents: 590_000,
      taxCents: 90_000,
      periodStart: '2026-12-10T12:00:00.000Z',
    });
    await app.mail.waitForMessage(email(orgs.notice), { subject: /Payment received/ });
    // Renewed, not newly activated: no second activation event.
    expect(await app.outboxEvents('payments.subscription.activated', orgs.notice)).toHaveLength(1);
  });

  it('a crash after AZUL approved (its answer lost): the next run asks AZUL again with the same key and gets the original — one charge', async () => {
    at('2026-12-15T12:01:00.000Z');
    app.azul!.setMode('answer-lost');
    try {
      expect(await job.runDue()).toEqual([orgs.crash]); // the notice went; the charge is deferred
    } finally {
      app.azul!.setMode('normal');
    }
    expect(azulCharges(key(orgs.crash, '2026-12-15'))).toHaveLength(1); // AZUL took it; we do not know yet
    const [pending] = await app.bed.admin.query(
      `SELECT status, provider FROM recurring_charges WHERE organization_id = $1`,
      [orgs.crash],
    );
    expect(pending).toEqual({ status: 'outcome-unknown', provider: 'azul' });
    expect((await subscription(orgs.crash)).currentPeriodStart).toBe('2026-11-15T12:00:00.000Z');
    // The timeout opened AZUL's breaker; the charge waits for AZUL (never Stripe) until it cools down.
    expect(regional.azul!.client.breaker.state).toBe('open');
    expect(await job.runDue()).toEqual([]);

    app.clock.advanceSeconds(61);
    await job.runDue();

    expect(azulCharges(key(orgs.crash, '2026-12-15'))).toHaveLength(1);
    expect(await subscription(orgs.crash)).toMatchObject({
      status: 'ACTIVE',
      currentPeriodStart: '2026-12-15T12:00:00.000Z',
      currentPeriodEnd: '2027-01-15T12:00:00.000Z',
    });
    expect(app.stripe.paymentIntents.all.size).toBe(0);
  });

  it('a declined charge starts dunning; the retry on day 1 charges the same period under its own key', async () => {
    const insufficient = (
      await regional.azul!.client.createToken({
        number: AZUL_TEST_CARDS.insufficientFunds,
        expiration: '202812',
      })
    ).dataVaultToken;
    // The cardholder's account ran dry since the first payment (the bank's side of the same card).
    await app.bed.admin.query(`UPDATE subscriptions SET payment_token = $2 WHERE organization_id = $1`, [
      orgs.decline,
      insufficient,
    ]);
    at('2026-12-20T12:01:00.000Z');
    expect(await job.runDue()).toEqual([orgs.decline]);
    expect(await subscription(orgs.decline)).toMatchObject({
      status: 'PAST_DUE',
      nextPaymentRetryAt: '2026-12-21T12:01:00.000Z',
    });
    await app.mail.waitForMessage(email(orgs.decline), { subject: /payment failed/i });
    expect(azulCharges(key(orgs.decline, '2026-12-20'))).toEqual([]);

    const approved = (
      await regional.azul!.client.createToken({ number: AZUL_TEST_CARDS.approved, expiration: '202812' })
    ).dataVaultToken;
    await app.bed.admin.query(`UPDATE subscriptions SET payment_token = $2 WHERE organization_id = $1`, [
      orgs.decline,
      approved,
    ]);
    at('2026-12-21T12:02:00.000Z');
    expect(await app.bed.service.app.get(DunningJob).runDue()).toEqual([orgs.decline]);
    expect(azulCharges(`${key(orgs.decline, '2026-12-20')}:1`)).toEqual([
      expect.objectContaining({ amount: 590_000, itbis: 90_000 }),
    ]);
    expect(await subscription(orgs.decline)).toMatchObject({
      status: 'ACTIVE',
      currentPeriodStart: '2026-12-20T12:00:00.000Z',
      currentPeriodEnd: '2027-01-20T12:00:00.000Z',
      nextPaymentRetryAt: null,
    });
  });

  it('while AZUL’s breaker is open the charge goes to Stripe (off-session, the saved backup card), exactly once', async () => {
    // The member saved a backup card on Stripe's setup page (Checkout does not make it the default).
    const card = await saveFallbackCard(app, member(orgs.fallback, ['owner']), {
      brand: 'amex',
      last4: '0005',
    });
    expect(app.stripe.customers.get(card.customerId)!.invoice_settings).toEqual({
      default_payment_method: null,
    });
    at('2026-12-25T12:01:00.000Z');
    // AZUL stops answering: one call times out and the breaker opens.
    app.azul!.setMode('hang');
    await expect(regional.azul!.client.findByIdempotencyKey('health-probe')).rejects.toThrow(
      /did not answer/,
    );
    app.azul!.setMode('normal');
    expect(regional.azul!.client.breaker.state).toBe('open');
    const sentToAzul = app.azul!.received.length;

    expect(await job.runDue()).toEqual([orgs.fallback]);
    expect(await job.runDue()).toEqual([]);

    expect(app.azul!.received.length).toBe(sentToAzul);
    const intents = app.stripe.paymentIntents.succeeded().filter((pi) => pi.customer === card.customerId);
    expect(intents).toEqual([
      expect.objectContaining({
        amount: 590_000,
        currency: 'dop',
        off_session: true,
        payment_method: card.paymentMethodId,
      }),
    ]);
    expect(
      app.stripe.requests.filter((r) => r.path === '/v1/payment_intents').map((r) => r.idempotencyKey),
    ).toEqual([key(orgs.fallback, '2026-12-25')]);
    expect(await subscription(orgs.fallback)).toMatchObject({
      status: 'ACTIVE',
      provider: 'azul',
      currentPeriodStart: '2026-12-25T12:00:00.000Z',
      currentPeriodEnd: '2027-01-25T12:00:00.000Z',
    });
    expect((await invoicesOf(orgs.fallback))[0]).toMatchObject({
      provider: 'stripe',
      status: 'paid',
      totalCents: 590_000,
    });
  });
});
