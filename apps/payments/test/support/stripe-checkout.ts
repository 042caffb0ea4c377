import { PAYMENTS_RPC, type Principal } from '@platform/contracts';
import { waitFor } from '@platform/testing';
import type { PaymentsTestApp } from './payments-test-app';

export interface StripeSubscription {
  sessionId: string;
  subscriptionId: string;
  customerId: string;
}

/**
 * `owner`'s organization subscribes through Stripe: the checkout RPC, the customer pays on the fake's
 * Checkout page, every event is delivered signed in Stripe's order, and the inbox applies them all
 * (they are applied concurrently: waiting for ACTIVE alone could leave the invoice pending).
 */
export async function subscribeThroughStripe(
  app: PaymentsTestApp,
  owner: Principal,
  {
    plan = 'STARTER',
    billingEmail,
  }: { plan?: 'STARTER' | 'PROFESSIONAL' | 'ENTERPRISE'; billingEmail?: string } = {},
): Promise<StripeSubscription> {
  const { sessionId } = (await app.bed.call(
    PAYMENTS_RPC.createCheckoutSession,
    { plan, successUrl: 'https://app.test/ok', cancelUrl: 'https://app.test/cancel' },
    owner,
  )) as { sessionId: string };
  await app.deliverAll(
    app.stripe.completeCheckout(sessionId, billingEmail ?? `billing+${owner.organizationId}@example.test`),
  );
  await waitFor(
    'subscription active',
    async () =>
      ((await app.bed.call(PAYMENTS_RPC.getSubscription, {}, owner)) as { status: string }).status ===
      'ACTIVE',
  );
  const session = app.stripe.checkoutSessions.get(sessionId)!;
  return { sessionId, subscriptionId: String(session.subscription), customerId: String(session.customer) };
}
