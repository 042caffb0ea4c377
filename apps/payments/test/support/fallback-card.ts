import { PAYMENTS_RPC, type Principal } from '@platform/contracts';
import type { FakeCard } from '@platform/testing';
import type { PaymentsTestApp } from './payments-test-app';

export interface SavedFallbackCard {
  sessionId: string;
  customerId: string;
  paymentMethodId: string;
}

/**
 * `owner`'s organization saves a backup card: the setup RPC, the member enters `card` on the
 * fake's setup-mode Checkout page, and Stripe's events are delivered signed and applied.
 */
export async function saveFallbackCard(
  app: PaymentsTestApp,
  owner: Principal,
  card?: FakeCard,
): Promise<SavedFallbackCard> {
  const { sessionId } = (await app.bed.call(
    PAYMENTS_RPC.setupFallbackCard,
    { successUrl: 'https://app.test/card-saved', cancelUrl: 'https://app.test/billing' },
    owner,
  )) as { sessionId: string };
  await app.deliverAll(app.stripe.completeSetup(sessionId, card));
  const session = app.stripe.checkoutSessions.get(sessionId)!;
  const intent = app.stripe.setupIntents.all.get(String(session.setup_intent))!;
  return {
    sessionId,
    customerId: String(session.customer),
    paymentMethodId: String(intent.payment_method),
  };
}
