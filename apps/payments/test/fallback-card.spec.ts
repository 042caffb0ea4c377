import { randomUUID } from 'node:crypto';
import { PAYMENTS_RPC, type Principal } from '@platform/contracts';
import { AZUL_TEST_CARDS } from '@platform/testing';
import { REGIONAL_PROVIDERS } from '../src/providers/providers.module';
import type { RegionalProviders } from '../src/providers/regional-providers';
import { saveFallbackCard } from './support/fallback-card';
import { member, startPaymentsTestApp, type PaymentsTestApp } from './support/payments-test-app';
import { subscribeThroughStripe } from './support/stripe-checkout';

interface SubscriptionView {
  provider: string | null;
  fallbackCard: { provider: string; brand: string | null; last4: string | null; savedAt: string } | null;
}

/**
 * The backup card of an AZUL-billed organization (seed 003): saved on Stripe's Checkout page in
 * setup mode, counted once Stripe's signed `checkout.session.completed` is applied, one Stripe
 * customer per organization however many times the card is replaced, the newest confirmation kept
 * whatever order they arrive in, and no organization able to set or see another's.
 */
describe('payments: the backup card of AZUL’s monthly charge (Stripe setup mode)', () => {
  let app: PaymentsTestApp;
  const orgA = randomUUID();
  const orgB = randomUUID();
  const ownerA = member(orgA, ['owner']);
  const ownerB = member(orgB, ['owner']);
  const page = { successUrl: 'https://app.test/card-saved', cancelUrl: 'https://app.test/billing' };

  beforeAll(async () => {
    app = await startPaymentsTestApp({}, { azul: true });
    const regional = app.bed.service.app.get<RegionalProviders>(REGIONAL_PROVIDERS);
    const token = (
      await regional.azul!.client.createToken({ number: AZUL_TEST_CARDS.approved, expiration: '202812' })
    ).dataVaultToken;
    for (const org of [orgA, orgB]) {
      const { data } = await app.bed.rpc.callWithMeta(PAYMENTS_RPC.startAzulPayment, {
        principal: member(org, ['owner']),
        data: { plan: 'STARTER', paymentToken: token },
        meta: { requestId: randomUUID(), idempotencyKey: `first-${org}` },
      });
      expect(data).toMatchObject({ status: 'succeeded' });
    }
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  const subscriptionOf = async (principal: Principal) =>
    (await app.subscriptionOf(principal)) as SubscriptionView;
  const setup = (principal: Principal, idempotencyKey: string = randomUUID()) =>
    app.bed.rpc.callWithMeta(PAYMENTS_RPC.setupFallbackCard, {
      principal,
      data: page,
      meta: { requestId: randomUUID(), idempotencyKey },
    });
  const customersCreatedFor = (org: string) =>
    app.stripe.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === '/v1/customers' &&
        (r.body.metadata as Record<string, string> | undefined)?.organizationId === org,
    );

  it('opens a setup-mode Checkout page for the organization’s own Stripe customer; nothing counts before Stripe confirms', async () => {
    const { data } = await setup(ownerA, 'setup-a-1');
    const session = app.stripe.checkoutSessions.get((data as { sessionId: string }).sessionId)!;
    expect(session).toMatchObject({
      mode: 'setup',
      client_reference_id: orgA,
      metadata: { organizationId: orgA, purpose: 'azul-fallback' },
      success_url: page.successUrl,
      cancel_url: page.cancelUrl,
    });
    expect((data as { url: string }).url).toBe(session.url);
    const customer = app.stripe.customers.get(String(session.customer))!;
    expect(customer.metadata).toEqual({ organizationId: orgA });
    expect((await subscriptionOf(ownerA)).fallbackCard).toBeNull();

    // The same Idempotency-Key answers the same page; a new one opens another for the same customer.
    const again = await setup(ownerA, 'setup-a-1');
    expect(again.data).toEqual(data);
    const other = (await setup(ownerA, 'setup-a-2')).data as { sessionId: string };
    expect(app.stripe.checkoutSessions.get(other.sessionId)!.customer).toBe(session.customer);
    expect(customersCreatedFor(orgA)).toHaveLength(1);
  });

  it('shows the card once Stripe’s signed event is applied; a new card replaces it on the same customer', async () => {
    const first = await saveFallbackCard(app, ownerA, { brand: 'mastercard', last4: '4444' });
    const saved = await subscriptionOf(ownerA);
    expect(saved.fallbackCard).toEqual({
      provider: 'stripe',
      brand: 'mastercard',
      last4: '4444',
      savedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(saved.provider).toBe('azul');

    app.clock.advanceSeconds(60);
    const second = await saveFallbackCard(app, ownerA, { brand: 'visa', last4: '1881' });
    expect(second.customerId).toBe(first.customerId);
    expect(second.paymentMethodId).not.toBe(first.paymentMethodId);
    expect((await subscriptionOf(ownerA)).fallbackCard).toMatchObject({ brand: 'visa', last4: '1881' });
    expect(
      await app.bed.admin.query(
        `SELECT fallback_payment_method_id AS pm FROM subscriptions WHERE organization_id = $1`,
        [orgA],
      ),
    ).toEqual([{ pm: second.paymentMethodId }]);
    expect(customersCreatedFor(orgA)).toHaveLength(1);
  });

  it('keeps the newest card when Stripe’s confirmations arrive out of order or twice', async () => {
    const older = (await setup(ownerB)).data as { sessionId: string };
    const newer = (await setup(ownerB)).data as { sessionId: string };
    const olderEvents = app.stripe.completeSetup(older.sessionId, { brand: 'visa', last4: '1111' });
    app.clock.advanceSeconds(60);
    const newerEvents = app.stripe.completeSetup(newer.sessionId, { brand: 'discover', last4: '9424' });

    await app.deliverAll(newerEvents);
    await app.deliverAll(olderEvents);
    await app.deliverAll(newerEvents); // a redelivery of the newest changes nothing either
    expect((await subscriptionOf(ownerB)).fallbackCard).toMatchObject({ brand: 'discover', last4: '9424' });
  });

  it('never lets one organization set or see another’s card', async () => {
    const beforeA = (await subscriptionOf(ownerA)).fallbackCard;
    // B's completed session re-labelled as A's (client_reference_id), signed: the customer is B's
    // fallback customer, not A's, so A's card does not change.
    const bSession = (await setup(ownerB)).data as { sessionId: string };
    const [, completed] = app.stripe.completeSetup(bSession.sessionId, { brand: 'jcb', last4: '0000' });
    const relabelled = structuredClone(completed!);
    const object = relabelled.data.object as {
      client_reference_id: string;
      metadata: Record<string, string>;
    };
    object.client_reference_id = orgA;
    object.metadata.organizationId = orgA;
    relabelled.id = `evt_relabelled_${randomUUID()}`;
    expect((await app.deliver(relabelled)).status).toBe(200);
    await app.inboxDrained();
    expect((await subscriptionOf(ownerA)).fallbackCard).toEqual(beforeA);
    expect((await subscriptionOf(ownerB)).fallbackCard).toMatchObject({ brand: 'discover', last4: '9424' });

    // Reading is per organization: B sees its own card, never A's.
    expect((await subscriptionOf(ownerB)).fallbackCard?.last4).not.toBe(beforeA?.last4);
  });

  it('refuses organizations not billed through AZUL, callers without billing:write, and bad input', async () => {
    const stripeOrg = randomUUID();
    await subscribeThroughStripe(app, member(stripeOrg, ['owner']));
    await expect(
      app.bed.call(PAYMENTS_RPC.setupFallbackCard, page, member(stripeOrg, ['owner'])),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      app.bed.call(PAYMENTS_RPC.setupFallbackCard, page, member(randomUUID(), ['owner'])),
    ).rejects.toMatchObject({ code: 'CONFLICT' });

    await expect(
      app.bed.call(PAYMENTS_RPC.setupFallbackCard, page, member(orgA, ['developer'])),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      app.bed.call(PAYMENTS_RPC.setupFallbackCard, page, member(orgA, ['owner'], 'api-key')),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      app.bed.rpc.callWithMeta(PAYMENTS_RPC.setupFallbackCard, {
        principal: ownerA,
        data: { ...page, successUrl: 'javascript:alert(1)' },
        meta: { requestId: randomUUID(), idempotencyKey: randomUUID() },
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
