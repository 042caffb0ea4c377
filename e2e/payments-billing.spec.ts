import type Stripe from 'stripe';
import { FakeStripe, waitFor } from '@platform/testing';
import { paymentsEnv, TEST_PRICES } from '../apps/payments/test/support/payments-test-app';
import { PlatformHarness } from './platform-harness';
import { addMember, register, type Account } from './support/accounts';
import { ApiClient } from './support/api-client';
import { GENEROUS_LIMITS } from './support/platform';

interface Checkout {
  sessionId: string;
  url: string;
}
interface Subscription {
  plan: string;
  status: string;
}

/**
 * Billing through the whole platform: the gateway's /v1/payments/* routes → payments → Stripe (the
 * local fake, through the real SDK) → signed webhooks into payments' inbox → activation published →
 * auth sets the plan and issues the organization code (mailed to the owner). Stripe's webhooks come in
 * through the gateway's public webhook route (kind `webhook`), byte-exact to payments' internal port.
 */
describe('billing with Stripe (whole platform)', () => {
  const platform = new PlatformHarness();
  let stripe: FakeStripe;
  let api: ApiClient;

  beforeAll(async () => {
    stripe = await new FakeStripe({ prices: Object.values(TEST_PRICES) }).start();
    // Only payments reads the STRIPE_* variables; mail goes to the harness's own sink.
    const { SMTP_URL: _smtp, MAIL_FROM: _from, ...stripeEnv } = paymentsEnv(stripe, { url: '' } as never);
    await platform.start({ LOG_LEVEL: 'error', ...GENEROUS_LIMITS, ...stripeEnv });
    api = new ApiClient(platform.gateway.url);
  }, 120_000);
  afterAll(async () => {
    await platform.stop();
    await stripe?.stop();
  }, 60_000);

  const deliver = (event: Stripe.Event) => {
    const { payload, headers } = stripe.signedDelivery(event);
    return fetch(`${platform.gateway.url}/v1/webhooks/stripe`, {
      method: 'POST',
      headers,
      body: payload,
    });
  };
  const subscriptionOf = async (account: Account) =>
    (await api.get<Subscription>('/v1/payments/subscription', { token: account.tokens.accessToken })).body;

  let owner: Account;
  let invoiceId: string;

  it('checkout through the gateway honours Idempotency-Key down to Stripe', async () => {
    owner = await register(api, 'billing-owner');
    const body = {
      plan: 'PROFESSIONAL',
      successUrl: 'https://app.test/ok',
      cancelUrl: 'https://app.test/no',
    };
    const first = await api.post<Checkout>('/v1/payments/checkout', {
      token: owner.tokens.accessToken,
      headers: { 'idempotency-key': 'buy-pro-1' },
      json: body,
    });
    const again = await api.post<Checkout>('/v1/payments/checkout', {
      token: owner.tokens.accessToken,
      headers: { 'idempotency-key': 'buy-pro-1' },
      json: body,
    });
    expect(first.status).toBe(201);
    expect(first.body.url).toBe(`${stripe.url}/c/pay/${first.body.sessionId}`);
    expect([again.status, again.headers.get('idempotent-replayed'), again.body]).toEqual([
      201,
      'true',
      first.body,
    ]);
    const sessions = stripe.requests.filter((r) => r.path === '/v1/checkout/sessions');
    expect(sessions.map((r) => r.idempotencyKey)).toEqual([
      `${owner.organizationId}:payments.checkout-session.create:buy-pro-1`,
    ]);

    const events = stripe.completeCheckout(first.body.sessionId, owner.email);
    for (const event of events) {
      const answer = await deliver(event);
      expect([answer.status, await answer.json()]).toEqual([200, { received: true, duplicate: false }]);
    }
    // A redelivery is recognised; a forged one is refused with the service's problem, relayed.
    expect(await (await deliver(events[0]!)).json()).toEqual({ received: true, duplicate: true });
    const forged = stripe.signedDelivery({ ...events[0]!, id: 'evt_forged' }, { secret: 'whsec_forged' });
    const refused = await fetch(`${platform.gateway.url}/v1/webhooks/stripe`, {
      method: 'POST',
      headers: forged.headers,
      body: forged.payload,
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    await waitFor('subscription active', async () => (await subscriptionOf(owner)).status === 'ACTIVE');
    expect(await subscriptionOf(owner)).toMatchObject({
      plan: 'PROFESSIONAL',
      status: 'ACTIVE',
      provider: 'stripe',
    });
  });

  it('activation reaches auth: the plan is PROFESSIONAL and the owner is mailed a working organization code', async () => {
    await waitFor('auth follows the plan', async () => {
      const profile = await api.get<{ organization: { plan: string } }>('/v1/auth/profile', {
        token: (
          await api
            .post<{ accessToken: string }>('/v1/auth/refresh', {
              json: { refreshToken: owner.tokens.refreshToken },
            })
            .then((refreshed) => {
              owner = { ...owner, tokens: refreshed.body as never };
              return refreshed;
            })
        ).body.accessToken,
      });
      return profile.body.organization.plan === 'PROFESSIONAL';
    });
    const mail = await platform.mail.waitForMessage(owner.email, { subject: /organization code/i });
    const code = /organization code is: ([A-HJ-NP-Z2-9]{10})/.exec(mail.text)![1]!;
    const validated = await api.post('/v1/orgs/validate-code', { json: { code } });
    expect(validated.body).toEqual({ valid: true, plan: 'PROFESSIONAL', redeemed: true });
  });

  it('lists the invoice and downloads it as an HTML document', async () => {
    // The invoice.paid event may be applied just after the activation (events are applied concurrently).
    const list = await waitFor('the invoice recorded', async () => {
      const page = await api.get<{ items: { id: string; totalCents: number; status: string }[] }>(
        '/v1/payments/invoices',
        { token: owner.tokens.accessToken },
      );
      return page.body.items.length > 0 ? page : null;
    });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ totalCents: 9900, status: 'paid' })]);
    invoiceId = list.body.items[0]!.id;
    const document = await fetch(`${platform.gateway.url}/v1/payments/invoices/${invoiceId}/document`, {
      headers: { authorization: `Bearer ${owner.tokens.accessToken}` },
    });
    expect(document.status).toBe(200);
    expect(document.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(document.headers.get('content-disposition')).toMatch(
      /^attachment; filename="invoice-FAKE-\d{4}\.html"$/,
    );
    expect(await document.text()).toContain('<td>99.00 USD</td>');
  });

  it('keeps billing to billing roles and to the caller’s own organization', async () => {
    const developer = await addMember(api, platform.mail, owner, 'developer');
    const forbidden = await api.get('/v1/payments/subscription', { token: developer.tokens.accessToken });
    expect([forbidden.status, forbidden.body.code]).toEqual([403, 'FORBIDDEN']);
    const billing = await addMember(api, platform.mail, owner, 'billing');
    expect((await subscriptionOf(billing)).plan).toBe('PROFESSIONAL');

    const stranger = await register(api, 'billing-stranger');
    expect(await subscriptionOf(stranger)).toMatchObject({ plan: 'FREE', status: 'TRIAL' });
    const list = await api.get<{ items: unknown[] }>('/v1/payments/invoices', {
      token: stranger.tokens.accessToken,
    });
    expect(list.body.items).toEqual([]);
    const other = await api.get(`/v1/payments/invoices/${invoiceId}/document`, {
      token: stranger.tokens.accessToken,
    });
    expect([other.status, other.body.code]).toEqual([404, 'NOT_FOUND']);
    const invalid = await api.post('/v1/payments/checkout', {
      token: stranger.tokens.accessToken,
      json: { plan: 'FREE', successUrl: 'https://app.test/ok', cancelUrl: 'https://app.test/no' },
    });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('the AZUL backup-card route: validated at the edge, refused for a Stripe-billed organization, billing roles only', async () => {
    const page = { successUrl: 'https://app.test/card', cancelUrl: 'https://app.test/billing' };
    const stripeBilled = await api.post('/v1/payments/azul/fallback-card', {
      token: owner.tokens.accessToken,
      json: page,
      headers: { 'idempotency-key': 'fallback-card-1' },
    });
    expect([stripeBilled.status, stripeBilled.body.code]).toEqual([409, 'CONFLICT']);
    const badUrl = await api.post('/v1/payments/azul/fallback-card', {
      token: owner.tokens.accessToken,
      json: { ...page, successUrl: 'ftp://app.test/card' },
    });
    expect([badUrl.status, badUrl.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const developer = await addMember(api, platform.mail, owner, 'developer');
    const forbidden = await api.post('/v1/payments/azul/fallback-card', {
      token: developer.tokens.accessToken,
      json: page,
    });
    expect([forbidden.status, forbidden.body.code]).toEqual([403, 'FORBIDDEN']);
    // No Stripe customer was made for any of them (the only customers are the checkout's).
    expect([...stripe.customers.values()].map((c) => c.metadata)).toEqual([
      { organizationId: owner.organizationId },
    ]);
  });
});
