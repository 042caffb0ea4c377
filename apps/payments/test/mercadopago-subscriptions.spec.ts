import { randomUUID } from 'node:crypto';
import { PAYMENTS_RPC, paymentsContract, expectMatchesContract, type Principal } from '@platform/contracts';
import { waitFor } from '@platform/testing';
import { DunningJob } from '../src/dunning/dunning.job';
import { PrepaidPeriodEnd } from '../src/dunning/prepaid-period-end';
import { member, startPaymentsTestApp, type PaymentsTestApp } from './support/payments-test-app';

interface SubscriptionView {
  plan: string;
  status: string;
  provider: string | null;
  currentPeriodStart: string | null;
  currentPeriodEnd: string | null;
}

/**
 * Mercado Pago end to end: checkout RPC → SDK → fake Checkout Pro preference; the buyer pays; the
 * x-signature-signed notification → inbox → payment fetched through the SDK → subscription ACTIVE,
 * `payments.subscription.activated` (auth issues the organization code on it), invoice recorded.
 */
describe('payments: Mercado Pago checkout and notifications', () => {
  let app: PaymentsTestApp;

  beforeAll(async () => {
    app = await startPaymentsTestApp({}, { mercadoPago: true });
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  const mp = () => app.mercadoPago!;
  const subscriptionOf = async (principal: Principal) =>
    (await app.subscriptionOf(principal)) as SubscriptionView;
  const checkout = async (owner: Principal, plan = 'PROFESSIONAL', idempotencyKey: string = randomUUID()) => {
    const { data } = await app.bed.rpc.callWithMeta(PAYMENTS_RPC.createCheckoutSession, {
      principal: owner,
      data: {
        plan,
        successUrl: 'https://app.test/ok',
        cancelUrl: 'https://app.test/no',
        provider: 'mercadopago',
      },
      meta: { requestId: randomUUID(), idempotencyKey },
    });
    return expectMatchesContract(paymentsContract, PAYMENTS_RPC.createCheckoutSession, data) as {
      sessionId: string;
      url: string;
    };
  };
  const notify = (paymentId: number, options: Parameters<ReturnType<typeof mp>['notificationFor']>[1] = {}) =>
    app.deliverMercadoPago(mp().notificationFor(paymentId, { tsMs: app.clock.now().getTime(), ...options }));

  it('checkout with provider mercadopago answers the preference’s init_point, our organization its external_reference', async () => {
    const org = randomUUID();
    const session = await checkout(member(org, ['owner']), 'STARTER', 'mp-checkout-1');
    expect(session.url).toBe(
      `https://www.mercadopago.com.co/checkout/v1/redirect?pref_id=${session.sessionId}`,
    );
    expect(mp().preferences.get(session.sessionId)).toMatchObject({
      external_reference: org,
      metadata: { organization_id: org, plan: 'STARTER' },
      items: [{ id: 'STARTER', quantity: 1, unit_price: 119_000, currency_id: 'COP' }],
      notification_url: 'https://api.example.test/v1/webhooks/mercadopago',
    });
    expect(mp().received.at(-1)).toMatchObject({
      idempotencyKey: `${org}:payments.checkout-session.create:mp-checkout-1`,
    });
  });

  it('a valid notification of an approved payment activates the subscription once, with the event and the invoice', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const { sessionId } = await checkout(owner);
    const payment = mp().pay(sessionId, 'approved');

    const response = await notify(payment.id);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, duplicate: false });
    await waitFor('active', async () => (await subscriptionOf(owner)).status === 'ACTIVE');
    await app.inboxDrained();

    const view = await subscriptionOf(owner);
    expect(view).toMatchObject({ plan: 'PROFESSIONAL', status: 'ACTIVE', provider: 'mercadopago' });
    const paidAt = new Date(payment.date_approved!);
    expect(view.currentPeriodStart).toBe(paidAt.toISOString());
    const end = new Date(paidAt);
    end.setUTCMonth(end.getUTCMonth() + 1);
    expect(view.currentPeriodEnd).toBe(end.toISOString());
    expect(await app.outboxEvents('payments.subscription.activated', org)).toEqual([
      { organizationId: org, plan: 'PROFESSIONAL' },
    ]);
    // The payment was read through the SDK from the fake, with our access token.
    expect(mp().received.filter((r) => r.path === `/v1/payments/${payment.id}`).length).toBeGreaterThan(0);
    const invoices = (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, owner)) as {
      items: { provider: string; status: string; totalCents: number; taxCents: number; currency: string }[];
    };
    expect(invoices.items).toEqual([
      expect.objectContaining({
        provider: 'mercadopago',
        status: 'paid',
        totalCents: 39_900_000,
        taxCents: 0,
        currency: 'COP',
        plan: 'PROFESSIONAL',
      }),
    ]);
  });

  it('a duplicate delivery is answered without a second row; a second notification of the same payment changes nothing', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const { sessionId } = await checkout(owner, 'STARTER');
    const payment = mp().pay(sessionId, 'approved');
    const notification = mp().notificationFor(payment.id, { tsMs: app.clock.now().getTime() });
    const before = await app.inboxCount();

    expect(await (await app.deliverMercadoPago(notification)).json()).toEqual({
      received: true,
      duplicate: false,
    });
    expect(await (await app.deliverMercadoPago(notification)).json()).toEqual({
      received: true,
      duplicate: true,
    });
    // Mercado Pago also notifies payment.updated for the same payment: another notification, same fact.
    expect((await notify(payment.id, { action: 'payment.updated' })).status).toBe(200);
    await app.inboxDrained();

    expect(await app.inboxCount()).toBe(before + 2);
    expect((await subscriptionOf(owner)).status).toBe('ACTIVE');
    expect(await app.outboxEvents('payments.subscription.activated', org)).toEqual([
      { organizationId: org, plan: 'STARTER' },
    ]);
    const invoices = (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, owner)) as { items: unknown[] };
    expect(invoices.items).toHaveLength(1);
  });

  it('out of order: an older approved payment notified after a newer one does not move the plan or period back', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const older = mp().pay(
      (await checkout(owner, 'STARTER')).sessionId,
      'approved',
      new Date('2026-11-01T10:00:00Z'),
    );
    const newer = mp().pay(
      (await checkout(owner, 'PROFESSIONAL')).sessionId,
      'approved',
      new Date('2026-11-01T10:05:00Z'),
    );

    expect((await notify(newer.id)).status).toBe(200);
    await app.inboxDrained();
    expect((await notify(older.id)).status).toBe(200);
    await app.inboxDrained();

    expect(await subscriptionOf(owner)).toMatchObject({
      status: 'ACTIVE',
      plan: 'PROFESSIONAL',
      currentPeriodStart: '2026-11-01T10:05:00.000Z',
      currentPeriodEnd: '2026-12-01T10:05:00.000Z',
    });
    // Both payments are recorded; only one activation was announced.
    const invoices = (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, owner)) as {
      items: { plan: string }[];
    };
    expect(invoices.items.map((invoice) => invoice.plan).sort()).toEqual(['PROFESSIONAL', 'STARTER']);
    expect(await app.outboxEvents('payments.subscription.activated', org)).toEqual([
      { organizationId: org, plan: 'PROFESSIONAL' },
    ]);
  });

  it('a pending payment changes nothing; when it is approved later its notification activates', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const { sessionId } = await checkout(owner, 'ENTERPRISE');
    const pending = mp().pay(sessionId, 'pending', new Date('2026-11-02T08:00:00Z'));

    expect((await notify(pending.id)).status).toBe(200);
    await app.inboxDrained();
    expect((await subscriptionOf(owner)).status).toBe('TRIAL');
    expect(await app.outboxEvents('payments.subscription.activated', org)).toEqual([]);

    mp().settle(pending.id, 'approved', new Date('2026-11-02T09:00:00Z'));
    expect((await notify(pending.id, { action: 'payment.updated' })).status).toBe(200);
    await app.inboxDrained();
    expect(await subscriptionOf(owner)).toMatchObject({
      status: 'ACTIVE',
      plan: 'ENTERPRISE',
      currentPeriodStart: '2026-11-02T09:00:00.000Z',
    });
    expect(await app.outboxEvents('payments.subscription.activated', org)).toEqual([
      { organizationId: org, plan: 'ENTERPRISE' },
    ]);
  });

  it.each([
    ['signed with another secret', { signWith: 'attacker-secret' }, 'bad-signature'],
    ['replayed after the tolerance window', { tsMs: Date.now() - 10 * 60 * 1000 }, 'stale-timestamp'],
  ])('refuses a notification %s: 400 problem+json, nothing stored', async (_name, options, reason) => {
    const before = await app.inboxCount();
    const response = await app.deliverMercadoPago(mp().notificationFor(90_000_000_999, options));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
      detail: `Webhook rejected: ${reason}`,
    });
    expect(await app.inboxCount()).toBe(before);
  });

  it('a prepaid month that ends unpaid: PAST_DUE with a renewal email, reminders, suspended after the last; paying a new checkout reopens it', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const DAY = 24 * 3600 * 1000;
    const { sessionId } = await checkout(owner, 'STARTER');
    const paidAt = new Date('2026-03-10T09:00:00.000Z');
    await notify(mp().pay(sessionId, 'approved', paidAt).id);
    await waitFor('active', async () => (await subscriptionOf(owner)).status === 'ACTIVE');
    await app.inboxDrained();
    // The month it bought: 10 March → 10 April.
    const end = new Date('2026-04-10T09:00:00.000Z');
    expect((await subscriptionOf(owner)).currentPeriodEnd).toBe(end.toISOString());
    await app.bed.admin.query(
      `UPDATE subscriptions SET billing_email = 'owner@example.test' WHERE organization_id = $1`,
      [org],
    );
    const periodEnd = app.bed.service.app.get(PrepaidPeriodEnd);
    const dunning = app.bed.service.app.get(DunningJob);
    const renewalMails = async () =>
      ((await app.outboxEvents('payments.billing-notice.requested', org)) as { notice: { kind: string } }[])
        .map((event) => event.notice)
        .filter((notice) => notice.kind === 'renewal-due');
    const at = async (time: Date, run: { runDue(): Promise<string[]> }) => {
      app.clock.set(time);
      return (await run.runDue()).includes(org);
    };

    // Still paid a minute before the end; due a minute after, once.
    expect(await at(new Date(end.getTime() - 60_000), periodEnd)).toBe(false);
    expect((await subscriptionOf(owner)).status).toBe('ACTIVE');
    expect(await at(new Date(end.getTime() + 60_000), periodEnd)).toBe(true);
    expect(await at(new Date(end.getTime() + 120_000), periodEnd)).toBe(false);
    expect((await subscriptionOf(owner)).status).toBe('PAST_DUE');
    // Default schedule 1, 3, 5, 7 days: suspension on the 7th day after the end.
    expect(await renewalMails()).toEqual([
      {
        kind: 'renewal-due',
        plan: 'STARTER',
        periodEnd: end.toISOString(),
        suspendOn: '2026-04-17T09:00:00.000Z',
      },
    ]);

    // Reminders on days 1, 3 and 5; the 7th suspends (the gateway then answers 402).
    for (const days of [1, 3, 5]) {
      expect(await at(new Date(end.getTime() + days * DAY + 60_000), dunning)).toBe(true);
      expect((await subscriptionOf(owner)).status).toBe('PAST_DUE');
    }
    expect(await renewalMails()).toHaveLength(4);
    expect(await at(new Date(end.getTime() + 7 * DAY + 60_000), dunning)).toBe(true);
    expect((await subscriptionOf(owner)).status).toBe('SUSPENDED');
    expect(await app.outboxEvents('payments.subscription.suspended', org)).toEqual([
      {
        organizationId: org,
        plan: 'STARTER',
        suspendedAt: new Date(end.getTime() + 7 * DAY + 60_000).toISOString(),
      },
    ]);

    // The customer pays the next month through a new checkout: active again, reactivated.
    const renewal = await checkout(owner, 'STARTER');
    const renewedAt = new Date(end.getTime() + 7 * DAY + 3_600_000);
    await notify(mp().pay(renewal.sessionId, 'approved', renewedAt).id);
    await waitFor('active again', async () => (await subscriptionOf(owner)).status === 'ACTIVE');
    await app.inboxDrained();
    expect(await subscriptionOf(owner)).toMatchObject({
      plan: 'STARTER',
      currentPeriodStart: renewedAt.toISOString(),
      currentPeriodEnd: '2026-05-17T10:00:00.000Z',
    });
    expect(await app.outboxEvents('payments.subscription.reactivated', org)).toHaveLength(1);
  });

  it('a prepaid month can be paid ahead in its last days: one reminder, the same plan only, once; the paid month follows without a gap', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const DAY = 24 * 3600 * 1000;
    const paidAt = new Date('2026-06-01T08:00:00.000Z');
    app.clock.set(paidAt);
    await notify(mp().pay((await checkout(owner, 'STARTER')).sessionId, 'approved', paidAt).id);
    await waitFor('active', async () => (await subscriptionOf(owner)).status === 'ACTIVE');
    await app.inboxDrained();
    await app.bed.admin.query(
      `UPDATE subscriptions SET billing_email = 'owner@example.test' WHERE organization_id = $1`,
      [org],
    );
    const end = new Date('2026-07-01T08:00:00.000Z');
    const prepaid = app.bed.service.app.get(PrepaidPeriodEnd);
    const noticesOf = async (kind: string) =>
      ((await app.outboxEvents('payments.billing-notice.requested', org)) as { notice: { kind: string } }[])
        .map((event) => event.notice)
        .filter((notice) => notice.kind === kind);

    // Default RECURRING_NOTICE_DAYS 3: a minute before the window, no reminder and no early checkout.
    app.clock.set(new Date(end.getTime() - 3 * DAY - 60_000));
    expect(await prepaid.remindDue()).not.toContain(org);
    await expect(checkout(owner, 'STARTER')).rejects.toMatchObject({ code: 'CONFLICT' });
    // In the window: one reminder, however many passes run.
    app.clock.set(new Date(end.getTime() - 3 * DAY + 60_000));
    expect(await prepaid.remindDue()).toContain(org);
    expect(await prepaid.remindDue()).not.toContain(org);
    expect(await noticesOf('renewal-reminder')).toEqual([
      { kind: 'renewal-reminder', plan: 'STARTER', periodEnd: end.toISOString() },
    ]);

    // Another plan waits for the month's end; the same plan is bought for the month after this one.
    await expect(checkout(owner, 'PROFESSIONAL')).rejects.toMatchObject({ code: 'CONFLICT' });
    const ahead = await checkout(owner, 'STARTER');
    expect(mp().preferences.get(ahead.sessionId)!['metadata']).toMatchObject({
      renews_from: end.toISOString(),
    });
    const payment = mp().pay(ahead.sessionId, 'approved', new Date(end.getTime() - 2 * DAY));
    await notify(payment.id);
    await app.inboxDrained();
    const invoices = async () =>
      (
        (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, owner)) as {
          items: { periodStart: string; periodEnd: string; status: string }[];
        }
      ).items.map(({ periodStart, periodEnd, status }) => ({ periodStart, periodEnd, status }));
    expect(await invoices()).toEqual([
      { periodStart: end.toISOString(), periodEnd: '2026-08-01T08:00:00.000Z', status: 'paid' },
      { periodStart: paidAt.toISOString(), periodEnd: end.toISOString(), status: 'paid' },
    ]);
    // This month is untouched until it ends; a receipt went out; the next month is not sold twice.
    expect(await subscriptionOf(owner)).toMatchObject({
      status: 'ACTIVE',
      currentPeriodStart: paidAt.toISOString(),
      currentPeriodEnd: end.toISOString(),
    });
    expect(await noticesOf('payment-received')).toEqual([
      { kind: 'payment-received', plan: 'STARTER', reactivated: false },
    ]);
    await expect(checkout(owner, 'STARTER')).rejects.toMatchObject({ code: 'CONFLICT' });

    // The month ends: the paid one follows at once — no PAST_DUE, no renewal-due email.
    app.clock.set(new Date(end.getTime() + 60_000));
    await prepaid.runDue();
    const followed = {
      status: 'ACTIVE',
      currentPeriodStart: end.toISOString(),
      currentPeriodEnd: '2026-08-01T08:00:00.000Z',
    };
    expect(await subscriptionOf(owner)).toMatchObject(followed);
    expect(await noticesOf('renewal-due')).toEqual([]);
    // A late redelivery of that payment's notification changes nothing and mails nothing.
    await notify(payment.id);
    await app.inboxDrained();
    expect(await subscriptionOf(owner)).toMatchObject(followed);
    expect(await noticesOf('payment-received')).toHaveLength(1);
  });

  it.each(['refunded', 'charged_back'] as const)(
    'the current month’s payment %s: PAST_DUE now with a payment-reversed email; a reversal of an older month changes nothing',
    async (how) => {
      const org = randomUUID();
      const owner = member(org, ['owner']);
      await app.bed.admin.query(
        `INSERT INTO subscriptions (organization_id, plan, status, billing_email) VALUES ($1, 'FREE', 'TRIAL', 'owner@example.test')`,
        [org],
      );
      const first = mp().pay(
        (await checkout(owner, 'STARTER')).sessionId,
        'approved',
        new Date('2026-01-05T10:00:00.000Z'),
      );
      await notify(first.id);
      await waitFor('first month', async () => (await subscriptionOf(owner)).status === 'ACTIVE');
      await app.inboxDrained();
      // Renewed early, in a second checkout: the current period is the one the second payment bought.
      await app.bed.admin.query(`UPDATE subscriptions SET status = 'PAST_DUE' WHERE organization_id = $1`, [
        org,
      ]);
      const second = mp().pay(
        (await checkout(owner, 'STARTER')).sessionId,
        'approved',
        new Date('2026-02-05T10:00:00.000Z'),
      );
      await notify(second.id);
      await waitFor(
        'second month',
        async () =>
          (await subscriptionOf(owner)).currentPeriodStart === '2026-02-05T10:00:00.000Z' &&
          (await subscriptionOf(owner)).status === 'ACTIVE',
      );
      await app.inboxDrained();
      const reversedMails = async () =>
        ((await app.outboxEvents('payments.billing-notice.requested', org)) as { notice: { kind: string } }[])
          .map((event) => event.notice)
          .filter((notice) => notice.kind === 'payment-reversed');

      // The older month's payment reversed: the current month is still paid.
      mp().reverse(first.id, how, new Date('2026-02-10T10:00:00.000Z'));
      await notify(first.id);
      await app.inboxDrained();
      expect((await subscriptionOf(owner)).status).toBe('ACTIVE');
      expect(await reversedMails()).toEqual([]);
      // Its invoice stays paid and shows the money given back, whichever month it paid.
      const refundsOf = async () =>
        (
          (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, owner)) as {
            items: {
              periodStart: string;
              status: string;
              amountPaidCents: number;
              amountRefundedCents: number;
              refundedAt: string | null;
            }[];
          }
        ).items.map(({ periodStart, status, amountPaidCents, amountRefundedCents, refundedAt }) => ({
          periodStart,
          status,
          amountPaidCents,
          amountRefundedCents,
          refundedAt,
        }));
      const paidUnrefunded = (periodStart: string) => ({
        periodStart,
        status: 'paid',
        amountPaidCents: 11_900_000,
        amountRefundedCents: 0,
        refundedAt: null,
      });
      const refundedFirst = {
        ...paidUnrefunded('2026-01-05T10:00:00.000Z'),
        amountRefundedCents: 11_900_000,
        refundedAt: '2026-02-10T10:00:00.000Z',
      };
      expect(await refundsOf()).toEqual([paidUnrefunded('2026-02-05T10:00:00.000Z'), refundedFirst]);

      // The current month's payment reversed: no longer paid.
      app.clock.set(new Date('2026-02-12T10:00:00.000Z'));
      mp().reverse(second.id, how, new Date('2026-02-12T09:00:00.000Z'));
      await notify(second.id);
      await waitFor('past due', async () => (await subscriptionOf(owner)).status === 'PAST_DUE');
      await app.inboxDrained();
      expect(await reversedMails()).toEqual([
        { kind: 'payment-reversed', plan: 'STARTER', suspendOn: '2026-02-19T10:00:00.000Z' },
      ]);
      // A second notification of the same reversal changes nothing more.
      await notify(second.id);
      await app.inboxDrained();
      expect(await reversedMails()).toHaveLength(1);
      expect(await refundsOf()).toEqual([
        {
          ...paidUnrefunded('2026-02-05T10:00:00.000Z'),
          amountRefundedCents: 11_900_000,
          refundedAt: '2026-02-12T09:00:00.000Z',
        },
        refundedFirst,
      ]);
    },
  );

  it('an active prepaid subscription is refused a second checkout (409); so is one paid through another provider', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const { sessionId } = await checkout(owner, 'STARTER');
    await notify(mp().pay(sessionId, 'approved').id);
    await waitFor('active', async () => (await subscriptionOf(owner)).status === 'ACTIVE');
    await expect(checkout(owner, 'STARTER')).rejects.toMatchObject({ code: 'CONFLICT' });
    await app.bed.admin.query(
      `UPDATE subscriptions SET provider = 'stripe', status = 'PAST_DUE' WHERE organization_id = $1`,
      [org],
    );
    await expect(checkout(owner, 'STARTER')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses a genuine notification whose query names another payment (data.id is what is signed)', async () => {
    const before = await app.inboxCount();
    const genuine = mp().notificationFor(90_000_000_001, { tsMs: app.clock.now().getTime() });
    const response = await app.deliverMercadoPago({
      ...genuine,
      query: { ...genuine.query, 'data.id': '90000000002' },
    });
    expect(response.status).toBe(400);
    expect(await app.inboxCount()).toBe(before);
  });

  it('cross-tenant: a payment of organization A never activates organization B, even when B’s checkout is open', async () => {
    const orgA = randomUUID();
    const orgB = randomUUID();
    const { sessionId: sessionA } = await checkout(member(orgA, ['owner']), 'STARTER');
    await checkout(member(orgB, ['owner']), 'STARTER');
    const paidByA = mp().pay(sessionA, 'approved');

    expect((await notify(paidByA.id)).status).toBe(200);
    await app.inboxDrained();

    expect((await subscriptionOf(member(orgB, ['owner']))).status).toBe('TRIAL');
    expect((await subscriptionOf(member(orgA, ['owner']))).status).toBe('ACTIVE');
    const invoicesOfB = (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, member(orgB, ['billing']))) as {
      items: unknown[];
    };
    expect(invoicesOfB.items).toEqual([]);
  });
});
