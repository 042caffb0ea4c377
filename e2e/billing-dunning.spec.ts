import type Stripe from 'stripe';
import type { ServiceDefinition } from '@platform/bootstrap';
import { FakeStripe, waitFor } from '@platform/testing';
import { DunningJob } from '../apps/payments/src/dunning/dunning.job';
import { createPaymentsService } from '../apps/payments/src/service-definition';
import { ControllableClock } from '../apps/payments/src/shared/clock';
import { paymentsEnv, TEST_PRICES } from '../apps/payments/test/support/payments-test-app';
import { PlatformHarness } from './platform-harness';
import { register, type Account } from './support/accounts';
import { ApiClient } from './support/api-client';
import { GENEROUS_LIMITS } from './support/platform';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The dunning timeline through the whole platform, on a clock shared by payments and the fake
 * Stripe: a subscription bought through the gateway; its renewal declines (Stripe's signed events in
 * through the gateway's webhook route) → PAST_DUE; retries on days 1, 3, 5 fail → the 7th suspends;
 * payments' `payments.subscription.suspended` reaches the gateway, which answers 402 on every route
 * but auth and billing; the customer pays the open invoice → `...reactivated` → everything answers
 * again at once. An email at each step.
 */
describe('billing: dunning to suspension and back (whole platform)', () => {
  const platform = new PlatformHarness();
  const clock = new ControllableClock(new Date());
  let stripe: FakeStripe;
  let api: ApiClient;
  let owner: Account;
  let subscriptionId: string;
  let customerId: string;

  beforeAll(async () => {
    stripe = await new FakeStripe({ prices: Object.values(TEST_PRICES), now: () => clock.now() }).start();
    const { SMTP_URL: _smtp, MAIL_FROM: _from, ...stripeEnv } = paymentsEnv(stripe, { url: '' } as never);
    await platform.start(
      { LOG_LEVEL: 'error', ...GENEROUS_LIMITS, ...stripeEnv },
      { backends: { payments: createPaymentsService({ clock }) as unknown as ServiceDefinition<never> } },
    );
    api = new ApiClient(platform.gateway.url);
  }, 120_000);
  afterAll(async () => {
    await platform.stop();
    await stripe?.stop();
  }, 60_000);

  const deliver = async (events: Stripe.Event[]) => {
    for (const event of events) {
      const { payload, headers } = stripe.signedDelivery(event);
      const answer = await fetch(`${platform.gateway.url}/v1/webhooks/stripe`, {
        method: 'POST',
        headers,
        body: payload,
      });
      expect(answer.status).toBe(200);
    }
  };
  const status = async () =>
    (
      await api.get<{ status: string }>('/v1/payments/subscription', {
        token: owner.tokens.accessToken,
      })
    ).body.status;
  const recordings = () => api.get('/v1/recordings', { token: owner.tokens.accessToken });
  const dunning = () => platform.backends.get('payments')!.app.get(DunningJob);
  const mailTo = (subject: RegExp) => platform.mail.waitForMessage(owner.email, { subject });

  it('a subscription bought through the gateway is ACTIVE and every route answers', async () => {
    owner = await register(api, 'dunning-owner');
    const checkout = await api.post<{ sessionId: string }>('/v1/payments/checkout', {
      token: owner.tokens.accessToken,
      json: { plan: 'STARTER', successUrl: 'https://app.test/ok', cancelUrl: 'https://app.test/no' },
    });
    expect(checkout.status).toBe(201);
    await deliver(stripe.completeCheckout(checkout.body.sessionId, owner.email));
    await waitFor('active', async () => (await status()) === 'ACTIVE');
    const session = stripe.checkoutSessions.get(checkout.body.sessionId)!;
    subscriptionId = String(session.subscription);
    customerId = String(session.customer);
    expect((await recordings()).status).toBe(200);
  });

  it('a declined renewal and three failed retries keep it working (PAST_DUE); the 7th day suspends: 402 but for auth and billing', async () => {
    clock.advanceDays(30);
    stripe.setCardBehaviour(customerId, 'decline');
    const failedAt = clock.now();
    await deliver(stripe.renewSubscription(subscriptionId));
    await waitFor('past due', async () => (await status()) === 'PAST_DUE');
    await mailTo(/payment failed/i);
    for (const day of [1, 3, 5]) {
      clock.set(new Date(failedAt.getTime() + day * DAY_MS + 60_000));
      await dunning().runDue();
      expect(await status()).toBe('PAST_DUE');
      expect((await recordings()).status).toBe(200);
    }

    clock.set(new Date(failedAt.getTime() + 7 * DAY_MS + 60_000));
    await dunning().runDue();
    expect(await status()).toBe('SUSPENDED');
    await mailTo(/suspended/i);
    await waitFor('the gateway hears of it', async () => (await recordings()).status === 402);
    const refused = await recordings();
    expect(refused.body).toMatchObject({ status: 402, code: 'ORGANIZATION_SUSPENDED' });
    // Auth and billing stay open: that is how the customer pays.
    expect((await api.get('/v1/auth/profile', { token: owner.tokens.accessToken })).status).toBe(200);
    expect((await api.get('/v1/payments/invoices', { token: owner.tokens.accessToken })).status).toBe(200);
  });

  it('paying the open invoice reactivates it and every route answers again', async () => {
    stripe.setCardBehaviour(customerId, 'succeed');
    const invoiceId = String(stripe.latestInvoiceOf(subscriptionId).id);
    await deliver(stripe.payOpenInvoice(invoiceId));
    await waitFor('active again', async () => (await status()) === 'ACTIVE');
    await waitFor('the gateway reopens', async () => (await recordings()).status === 200);
    await mailTo(/reactivated|payment received/i);
  });
});
