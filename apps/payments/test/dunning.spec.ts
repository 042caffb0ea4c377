import { randomUUID } from 'node:crypto';
import { PAYMENTS_RPC, type Principal } from '@platform/contracts';
import { waitFor } from '@platform/testing';
import { DunningJob } from '../src/dunning/dunning.job';
import { member, startPaymentsTestApp, type PaymentsTestApp } from './support/payments-test-app';
import { subscribeThroughStripe } from './support/stripe-checkout';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Dunning on a controllable clock shared by the service and the fake Stripe: a renewal declines →
 * PAST_DUE with retries on days 1, 3, 5, 7 (each a real `invoices.pay` at the fake) → SUSPENDED and
 * `payments.subscription.suspended` → the customer pays → ACTIVE and `...reactivated`. An email at
 * every step.
 */
describe('payments: dunning', () => {
  let app: PaymentsTestApp;
  let job: DunningJob;
  const org = randomUUID();
  const owner = member(org, ['owner']);
  const billingEmail = `billing-${org.slice(0, 8)}@example.test`;
  let subscriptionId: string;
  let customerId: string;

  beforeAll(async () => {
    app = await startPaymentsTestApp();
    job = app.bed.service.app.get(DunningJob);
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  const subscription = (principal: Principal = owner) =>
    app.bed.call(PAYMENTS_RPC.getSubscription, {}, principal) as Promise<{
      status: string;
      plan: string;
      nextPaymentRetryAt: string | null;
    }>;
  const outbox = (routingKey: string) => app.outboxEvents(routingKey, org);
  const payAttempts = (invoiceId: string) =>
    app.stripe.requests.filter((r) => r.path === `/v1/invoices/${invoiceId}/pay`);

  it('starts ACTIVE after checkout', async () => {
    ({ subscriptionId, customerId } = await subscribeThroughStripe(app, owner, { billingEmail }));
    expect((await subscription()).status).toBe('ACTIVE');
  });

  it('a declined renewal makes it PAST_DUE with the first retry one day later, and emails the payer', async () => {
    app.clock.advanceDays(30);
    app.stripe.setCardBehaviour(customerId, 'decline');
    const failedAt = app.clock.now();
    await app.deliverAll(app.stripe.renewSubscription(subscriptionId));
    await waitFor('past due', async () => (await subscription()).status === 'PAST_DUE');
    expect((await subscription()).nextPaymentRetryAt).toBe(
      new Date(failedAt.getTime() + DAY_MS).toISOString(),
    );
    const mail = await app.mail.waitForMessage(billingEmail, { subject: /payment failed/i });
    expect(mail.text).toContain(new Date(failedAt.getTime() + DAY_MS).toISOString().slice(0, 10));
    // Nothing is due yet: the job leaves it alone.
    expect(await job.runDue()).toEqual([]);
  });

  it('retries on days 1, 3 and 5 at Stripe, each decline emailed with the next date', async () => {
    const invoiceId = String(app.stripe.latestInvoiceOf(subscriptionId).id);
    const start = new Date(Date.parse((await subscription()).nextPaymentRetryAt!) - DAY_MS);
    for (const [attempt, day, nextDay] of [
      [1, 1, 3],
      [2, 3, 5],
      [3, 5, 7],
    ] as const) {
      app.clock.set(new Date(start.getTime() + day * DAY_MS));
      expect(await job.runDue()).toEqual([org]);
      expect(payAttempts(invoiceId)).toHaveLength(attempt);
      expect(payAttempts(invoiceId).at(-1)!.idempotencyKey).toBe(`${org}:dunning:${invoiceId}:${attempt}`);
      expect(await subscription()).toMatchObject({
        status: 'PAST_DUE',
        nextPaymentRetryAt: new Date(start.getTime() + nextDay * DAY_MS).toISOString(),
      });
      await app.mail.waitForMessage(billingEmail, { subject: new RegExp(`retry ${attempt} failed`, 'i') });
    }
    // Running again the same day does nothing (not due; no double charge attempt).
    expect(await job.runDue()).toEqual([]);
    expect(payAttempts(invoiceId)).toHaveLength(3);
  });

  it('the day-7 retry failing suspends the organization and publishes suspended', async () => {
    app.clock.advanceDays(2);
    expect(await job.runDue()).toEqual([org]);
    expect(await subscription()).toMatchObject({
      status: 'SUSPENDED',
      plan: 'STARTER',
      nextPaymentRetryAt: null,
    });
    expect(await outbox('payments.subscription.suspended')).toEqual([
      { organizationId: org, plan: 'STARTER', suspendedAt: app.clock.now().toISOString() },
    ]);
    await app.mail.waitForMessage(billingEmail, { subject: /suspended/i });
    // Stripe's own failure events for the retries change nothing: still suspended, no second dunning.
    await app.deliverAll(
      app.stripe
        .eventsOfType('invoice.payment_failed')
        .slice(-1)
        .map((e) => ({ ...e, id: `evt_again_${randomUUID()}` })),
    );
    await app.inboxDrained();
    expect((await subscription()).status).toBe('SUSPENDED');
  });

  it('paying the open invoice reopens everything at once: ACTIVE, reactivated published, emailed', async () => {
    app.stripe.setCardBehaviour(customerId, 'succeed');
    app.clock.advanceDays(1);
    await app.deliverAll(app.stripe.payOpenInvoice(String(app.stripe.latestInvoiceOf(subscriptionId).id)));
    await waitFor('active again', async () => (await subscription()).status === 'ACTIVE');
    expect(await outbox('payments.subscription.reactivated')).toEqual([
      { organizationId: org, plan: 'STARTER', reactivatedAt: app.clock.now().toISOString() },
    ]);
    await app.mail.waitForMessage(billingEmail, { subject: /active again/i });
    // The renewal moved the billing period on (Stripe's customer.subscription.updated at the cycle).
    const item = (
      app.stripe.subscriptions.get(subscriptionId)!.items as { data: { current_period_end: number }[] }
    ).data[0]!;
    expect((await subscription()) as unknown).toMatchObject({
      currentPeriodEnd: new Date(item.current_period_end * 1000).toISOString(),
    });
    const { items } = (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, owner)) as {
      items: { status: string; totalCents: number }[];
    };
    // Newest first: the renewal (paid at last), then the first month.
    expect(items.map((invoice) => invoice.status)).toEqual(['paid', 'paid']);
  });
});
