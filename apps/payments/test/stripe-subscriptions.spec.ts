import { randomUUID } from 'node:crypto';
import { PAYMENTS_RPC, paymentsContract, expectMatchesContract, type Principal } from '@platform/contracts';
import { findTenantIsolationGaps } from '@platform/tenancy';
import { waitFor } from '@platform/testing';
import { member, startPaymentsTestApp, TEST_PRICES, type PaymentsTestApp } from './support/payments-test-app';
import { subscribeThroughStripe } from './support/stripe-checkout';

interface SubscriptionView {
  plan: string;
  status: string;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: string | null;
  nextPaymentRetryAt: string | null;
}

/** Stripe subscriptions end to end: RPCs → Stripe SDK → local fake Stripe → signed webhooks → inbox. */
describe('payments: Stripe subscriptions', () => {
  let app: PaymentsTestApp;
  const orgA = randomUUID();
  const orgB = randomUUID();
  const ownerA = member(orgA, ['owner']);
  const ownerB = member(orgB, ['owner']);

  beforeAll(async () => {
    app = await startPaymentsTestApp();
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  const call = (pattern: string, data: object, principal: Principal | null, idempotencyKey?: string) =>
    app.bed.rpc.callWithMeta(pattern, {
      principal,
      data,
      meta: idempotencyKey ? { requestId: randomUUID(), idempotencyKey } : { requestId: randomUUID() },
    });
  const subscriptionOf = async (principal: Principal) =>
    (await app.subscriptionOf(principal)) as SubscriptionView;
  const outboxEvents = (routingKey: string, organizationId: string) =>
    app.outboxEvents(routingKey, organizationId);
  /** The newest customer.subscription.created of an organization (other tests subscribe others). */
  const createdEventOf = (organizationId: string) =>
    app.stripe
      .eventsOfType('customer.subscription.created')
      .filter(
        (event) =>
          (event.data.object as { metadata: Record<string, string> }).metadata.organizationId ===
          organizationId,
      )
      .at(-1)!;
  const inboxDrained = () => app.inboxDrained();
  const inboxCount = () => app.inboxCount();

  const subscribe = (owner: Principal, plan: 'STARTER' | 'PROFESSIONAL' = 'STARTER') =>
    subscribeThroughStripe(app, owner, { plan });

  it('an organization without a subscription is on FREE (trial), with no provider', async () => {
    expect(await subscriptionOf(member(randomUUID(), ['billing']))).toEqual({
      plan: 'FREE',
      status: 'TRIAL',
      provider: null,
      currentPeriodStart: null,
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
      nextPaymentRetryAt: null,
      fallbackCard: null,
      updatedAt: null,
    });
  });

  it('checkout creates one Stripe customer per organization and a Checkout Session; the Idempotency-Key becomes Stripe’s', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const data = {
      plan: 'PROFESSIONAL',
      successUrl: 'https://app.test/ok',
      cancelUrl: 'https://app.test/no',
    };
    const first = await call(PAYMENTS_RPC.createCheckoutSession, data, owner, 'checkout-1');
    const replay = await call(PAYMENTS_RPC.createCheckoutSession, data, owner, 'checkout-1');
    const second = await call(PAYMENTS_RPC.createCheckoutSession, data, owner, 'checkout-2');
    const session = expectMatchesContract(
      paymentsContract,
      PAYMENTS_RPC.createCheckoutSession,
      first.data,
    ) as {
      sessionId: string;
      url: string;
    };
    expect(session.url).toBe(`${app.stripe.url}/c/pay/${session.sessionId}`);
    expect(replay).toMatchObject({ replayed: true, data: first.data });
    expect((second.data as { sessionId: string }).sessionId).not.toBe(session.sessionId);

    const stored = app.stripe.checkoutSessions.get(session.sessionId)!;
    expect(stored).toMatchObject({
      mode: 'subscription',
      client_reference_id: org,
      __price: TEST_PRICES.PROFESSIONAL.id,
    });
    const customers = [...app.stripe.customers.values()].filter(
      (c) => (c.metadata as Record<string, string>).organizationId === org,
    );
    expect(customers).toHaveLength(1);
    expect(stored.customer).toBe(customers[0]!.id);
    const sessionRequests = app.stripe.requests.filter(
      (r) => r.path === '/v1/checkout/sessions' && r.body.client_reference_id === org,
    );
    // The replay never reached Stripe; both calls that did carried keys derived from the caller's.
    expect(sessionRequests.map((r) => r.idempotencyKey)).toEqual([
      `${org}:payments.checkout-session.create:checkout-1`,
      `${org}:payments.checkout-session.create:checkout-2`,
    ]);
  });

  it('signed webhooks activate the subscription once, publish activated through the outbox and record the invoice', async () => {
    const { subscriptionId } = await subscribe(ownerA);
    const view = await subscriptionOf(ownerA);
    expect(view).toMatchObject({
      plan: 'STARTER',
      status: 'ACTIVE',
      provider: 'stripe',
      cancelAtPeriodEnd: false,
    });
    const item = (
      app.stripe.subscriptions.get(subscriptionId)!.items as { data: { current_period_end: number }[] }
    ).data[0]!;
    expect(view.currentPeriodEnd).toBe(new Date(item.current_period_end * 1000).toISOString());
    expect(await outboxEvents('payments.subscription.activated', orgA)).toEqual([
      { organizationId: orgA, plan: 'STARTER' },
    ]);

    const invoices = (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, ownerA)) as {
      items: { totalCents: number; status: string; plan: string }[];
    };
    expect(invoices.items).toEqual([
      expect.objectContaining({ totalCents: 2900, amountPaidCents: 2900, status: 'paid', plan: 'STARTER' }),
    ]);
  });

  it('a first payment that fails before succeeding starts no dunning; the activation is still announced', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const { data: session } = await call(
      PAYMENTS_RPC.createCheckoutSession,
      { plan: 'STARTER', successUrl: 'https://app.test/ok', cancelUrl: 'https://app.test/cancel' },
      owner,
    );
    const [created, paid, completed] = app.stripe.completeCheckout(
      (session as { sessionId: string }).sessionId,
    );
    // Stripe's view before the card went through: past due, its first invoice failed.
    const early = structuredClone(created!) as typeof created & { data: { object: { status: string } } };
    early.id = `evt_early_${randomUUID()}`;
    early.created -= 60;
    early.data.object.status = 'past_due';
    const failed = structuredClone(paid!) as typeof paid & {
      type: string;
      data: { object: Record<string, unknown> };
    };
    failed.id = `evt_failed_${randomUUID()}`;
    failed.type = 'invoice.payment_failed';
    failed.created -= 60;
    Object.assign(failed.data.object, {
      status: 'open',
      amount_paid: 0,
      status_transitions: { paid_at: null },
    });
    for (const event of [early, failed]) expect((await app.deliver(event as never)).status).toBe(200);
    await inboxDrained();
    expect(await subscriptionOf(owner)).toMatchObject({ status: 'TRIAL', nextPaymentRetryAt: null });

    for (const event of [created!, paid!, completed!]) expect((await app.deliver(event)).status).toBe(200);
    await inboxDrained();
    expect(await subscriptionOf(owner)).toMatchObject({
      status: 'ACTIVE',
      plan: 'STARTER',
      nextPaymentRetryAt: null,
    });
    expect(await outboxEvents('payments.subscription.activated', org)).toEqual([
      { organizationId: org, plan: 'STARTER' },
    ]);
    const invoices = (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, owner)) as {
      items: { status: string }[];
    };
    expect(invoices.items.map((invoice) => invoice.status)).toEqual(['paid']);
  });

  it('a duplicate delivery is answered 200 without a second row or a second effect', async () => {
    const created = createdEventOf(orgA);
    const before = await inboxCount();
    const answer = await app.deliver(created);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ received: true, duplicate: true });
    expect(await inboxCount()).toBe(before);
    expect(await outboxEvents('payments.subscription.activated', orgA)).toHaveLength(1);
    const metrics = await (await fetch(`${app.bed.service.url}/metrics`)).text();
    expect(metrics).toMatch(
      /payments_webhooks_received_total\{[^}]*provider="stripe",outcome="duplicate"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(
      /payments_webhooks_processed_total\{[^}]*provider="stripe",outcome="applied"[^}]*\} [1-9]/,
    );
  });

  it('refuses forged signatures and stale timestamps with 400 problem+json, storing nothing', async () => {
    const event = app.stripe.eventsOfType('invoice.paid').at(-1)!;
    const forged = { ...event, id: `evt_forged_${randomUUID()}` };
    const before = await inboxCount();
    const wrongSecret = await app.deliver(forged, { secret: 'whsec_not_the_endpoint_secret' });
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.headers.get('content-type')).toContain('application/problem+json');
    expect(await wrongSecret.json()).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID', status: 400 });
    const stale = await app.deliver(forged, {
      timestamp: Math.floor(app.clock.now().getTime() / 1000) - 301,
    });
    expect(stale.status).toBe(400);
    expect(await stale.json()).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
      detail: expect.stringContaining('stale-timestamp'),
    });
    // Signed for real, but the bytes were changed after signing.
    const { payload, headers } = app.stripe.signedDelivery(forged);
    const tampered = await fetch(`${app.bed.service.url}/v1/webhooks/stripe`, {
      method: 'POST',
      headers,
      body: payload.replace('"amount_paid": 2900', '"amount_paid": 1'),
    });
    expect(tampered.status).toBe(400);
    const unsigned = await fetch(`${app.bed.service.url}/v1/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    expect(unsigned.status).toBe(400);
    expect(await inboxCount()).toBe(before);
  });

  it('changes plan with proration; the new plan applies when Stripe confirms, and changed is published', async () => {
    app.clock.advanceSeconds(120);
    const { data } = await call(PAYMENTS_RPC.changePlan, { plan: 'PROFESSIONAL' }, ownerA, 'upgrade-1');
    expect(data).toMatchObject({ plan: 'PROFESSIONAL', status: 'ACTIVE' });
    const update = app.stripe.requests
      .filter((r) => r.path.startsWith('/v1/subscriptions/') && r.method === 'POST')
      .at(-1)!;
    expect(update.body).toMatchObject({
      proration_behavior: 'create_prorations',
      items: [expect.objectContaining({ price: TEST_PRICES.PROFESSIONAL.id })],
    });
    expect(update.idempotencyKey).toBe(`${orgA}:payments.subscription.change-plan:upgrade-1`);
    await app.deliver(app.stripe.eventsOfType('customer.subscription.updated').at(-1)!);
    await waitFor('plan changed', async () => (await subscriptionOf(ownerA)).plan === 'PROFESSIONAL');
    expect(await outboxEvents('payments.subscription.changed', orgA)).toEqual([
      { organizationId: orgA, plan: 'PROFESSIONAL', previousPlan: 'STARTER' },
    ]);
  });

  it('an older event arriving late never regresses the subscription', async () => {
    // The created event (STARTER, minutes older) delivered again under a new id, as a late retry would be.
    const old = createdEventOf(orgA);
    await app.deliver({ ...old, id: `evt_late_${randomUUID()}` });
    await waitFor(
      'late event processed',
      async () =>
        Number(
          (
            await app.bed.admin.query(
              `SELECT count(*)::int AS n FROM webhook_inbox WHERE processed_at IS NULL`,
            )
          )[0].n,
        ) === 0,
    );
    expect(await subscriptionOf(ownerA)).toMatchObject({ plan: 'PROFESSIONAL', status: 'ACTIVE' });
  });

  it('cancels at period end: the plan stays until then', async () => {
    app.clock.advanceDays(1);
    const { data } = await call(PAYMENTS_RPC.cancelSubscription, {}, ownerA);
    expect(data).toMatchObject({ plan: 'PROFESSIONAL', status: 'ACTIVE', cancelAtPeriodEnd: true });
    await app.deliver(app.stripe.eventsOfType('customer.subscription.updated').at(-1)!);
    await waitFor('cancel flag applied', async () => (await subscriptionOf(ownerA)).cancelAtPeriodEnd);
    expect(await subscriptionOf(ownerA)).toMatchObject({ plan: 'PROFESSIONAL', status: 'ACTIVE' });
    expect(await outboxEvents('payments.subscription.cancelled', orgA)).toEqual([]);
  });

  it('at the end of a period cancelled in advance the organization falls back to FREE, and may subscribe again', async () => {
    const subscriptionId = String(
      app.stripe.checkoutSessions.get(
        [...app.stripe.checkoutSessions.values()].find((s) => s.client_reference_id === orgA)!.id as string,
      )!.subscription,
    );
    app.clock.advanceDays(30);
    const [deleted] = app.stripe.renewSubscription(subscriptionId);
    expect(deleted!.type).toBe('customer.subscription.deleted');
    await app.deliver(deleted!);
    await waitFor('cancelled', async () => (await subscriptionOf(ownerA)).status === 'CANCELLED');
    expect(await subscriptionOf(ownerA)).toMatchObject({ plan: 'FREE', status: 'CANCELLED' });
    expect(await outboxEvents('payments.subscription.cancelled', orgA)).toEqual([
      { organizationId: orgA, plan: 'FREE', previousPlan: 'PROFESSIONAL' },
    ]);
    // A late update of the dead subscription never brings it back.
    const lateUpdate = app.stripe.eventsOfType('customer.subscription.updated').at(-1)!;
    await app.deliver({ ...lateUpdate, id: `evt_late_update_${randomUUID()}` });
    await waitFor(
      'late update processed',
      async () =>
        Number(
          (
            await app.bed.admin.query(
              `SELECT count(*)::int AS n FROM webhook_inbox WHERE processed_at IS NULL`,
            )
          )[0].n,
        ) === 0,
    );
    expect((await subscriptionOf(ownerA)).status).toBe('CANCELLED');

    // Subscribing again: the same Stripe customer, a new subscription, activated once more.
    app.clock.advanceSeconds(60);
    await subscribe(ownerA, 'STARTER');
    expect(await subscriptionOf(ownerA)).toMatchObject({
      plan: 'STARTER',
      status: 'ACTIVE',
      cancelAtPeriodEnd: false,
    });
    expect(await outboxEvents('payments.subscription.activated', orgA)).toEqual([
      { organizationId: orgA, plan: 'STARTER' },
      { organizationId: orgA, plan: 'STARTER' },
    ]);
    const customersOfA = [...app.stripe.customers.values()].filter(
      (c) => (c.metadata as Record<string, string>).organizationId === orgA,
    );
    expect(customersOfA).toHaveLength(1);
  });

  it('opens the billing portal for the organization’s own customer', async () => {
    const { data } = await call(
      PAYMENTS_RPC.createPortalSession,
      { returnUrl: 'https://app.test/billing' },
      ownerA,
    );
    const portal = [...app.stripe.portalSessions.values()].at(-1)!;
    expect(data).toEqual({ url: portal.url });
    const customerOfA = [...app.stripe.customers.values()].find(
      (c) => (c.metadata as Record<string, string>).organizationId === orgA,
    )!;
    expect(portal.customer).toBe(customerOfA.id);
  });

  it('renders an invoice as a standalone HTML document', async () => {
    const { items } = (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, ownerA)) as {
      items: { id: string; number: string }[];
    };
    const document = (await app.bed.call(PAYMENTS_RPC.renderInvoice, { id: items[0]!.id }, ownerA)) as {
      html: string;
      fileName: string;
    };
    expect(document.fileName).toBe(`invoice-${items[0]!.number}.html`);
    expect(document.html).toContain(`<h1>Invoice ${items[0]!.number}</h1>`);
    expect(document.html).toContain('<td>29.00 USD</td>');
    expect(document.html).not.toMatch(/<script/i);
  });

  it('never shows one organization’s subscription, portal or invoices to another', async () => {
    expect(await subscriptionOf(ownerB)).toMatchObject({ plan: 'FREE', status: 'TRIAL', provider: null });
    await expect(
      app.bed.call(PAYMENTS_RPC.createPortalSession, { returnUrl: 'https://app.test/b' }, ownerB),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(app.bed.call(PAYMENTS_RPC.changePlan, { plan: 'ENTERPRISE' }, ownerB)).rejects.toMatchObject(
      { code: 'CONFLICT' },
    );
    await expect(app.bed.call(PAYMENTS_RPC.cancelSubscription, {}, ownerB)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await app.bed.call(PAYMENTS_RPC.listInvoices, {}, ownerB)).toEqual({
      items: [],
      nextCursor: null,
    });
    const { items } = (await app.bed.call(PAYMENTS_RPC.listInvoices, {}, ownerA)) as {
      items: { id: string }[];
    };
    await expect(
      app.bed.call(PAYMENTS_RPC.renderInvoice, { id: items[0]!.id }, ownerB),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A webhook naming B in metadata cannot move A's Stripe customer to B.
    const created = createdEventOf(orgA);
    const hijack = structuredClone(created) as typeof created & {
      data: { object: { metadata: Record<string, string> } };
    };
    hijack.id = `evt_hijack_${randomUUID()}`;
    hijack.data.object.metadata.organizationId = orgB;
    expect((await app.deliver(hijack)).status).toBe(200);
    await waitFor(
      'hijack processed',
      async () =>
        Number(
          (
            await app.bed.admin.query(
              `SELECT count(*)::int AS n FROM webhook_inbox WHERE processed_at IS NULL`,
            )
          )[0].n,
        ) === 0,
    );
    expect(await subscriptionOf(ownerB)).toMatchObject({ plan: 'FREE', status: 'TRIAL' });
  });

  it('refuses callers without billing permission, non-user credentials on writes, and bad input', async () => {
    const checkout = {
      plan: 'STARTER',
      successUrl: 'https://app.test/ok',
      cancelUrl: 'https://app.test/no',
    } as const;
    await expect(
      app.bed.call(PAYMENTS_RPC.createCheckoutSession, checkout, member(orgA, ['developer'])),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      app.bed.call(PAYMENTS_RPC.createCheckoutSession, checkout, member(orgA, ['owner'], 'api-key')),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      app.bed.call(PAYMENTS_RPC.getSubscription, {}, member(orgA, ['viewer'])),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(app.bed.call(PAYMENTS_RPC.getSubscription, {}, null)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    // Deliberately outside the contract: the raw client.
    await expect(
      call(PAYMENTS_RPC.createCheckoutSession, { ...checkout, plan: 'FREE' }, ownerB),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      call(PAYMENTS_RPC.createCheckoutSession, { ...checkout, successUrl: 'javascript:alert(1)' }, ownerB),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // Already subscribed: a second checkout is a conflict, not a second subscription.
    await expect(app.bed.call(PAYMENTS_RPC.createCheckoutSession, checkout, ownerA)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('isolates subscriptions and invoices by forced row-level security (database catalogue)', async () => {
    expect(await findTenantIsolationGaps(app.bed.admin)).toEqual([]);
  });
});
