import type { SubscriptionDto } from '@platform/contracts';
import type { CheckoutSession, ProviderSubscriptionSnapshot } from '../providers/payment-provider.port';
import type { SubscriptionEntity } from './subscription.entity';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** An organization that never started a checkout: the FREE plan, on trial, no provider. */
export const NO_SUBSCRIPTION: SubscriptionDto = {
  plan: 'FREE',
  status: 'TRIAL',
  provider: null,
  currentPeriodStart: null,
  currentPeriodEnd: null,
  cancelAtPeriodEnd: false,
  nextPaymentRetryAt: null,
  fallbackCard: null,
  updatedAt: null,
};

export function toSubscriptionDto(row: SubscriptionEntity | null): SubscriptionDto {
  if (!row) return NO_SUBSCRIPTION;
  return {
    plan: row.plan,
    status: row.status,
    provider: row.provider,
    currentPeriodStart: iso(row.currentPeriodStart),
    currentPeriodEnd: iso(row.currentPeriodEnd),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    nextPaymentRetryAt: row.status === 'PAST_DUE' ? iso(row.nextRetryAt) : null,
    fallbackCard:
      row.fallbackPaymentMethodId && row.fallbackCardSavedAt
        ? {
            provider: 'stripe',
            brand: row.fallbackCardBrand,
            last4: row.fallbackCardLast4,
            savedAt: row.fallbackCardSavedAt.toISOString(),
          }
        : null,
    updatedAt: iso(row.updatedAt),
  };
}

/**
 * What a command answers right after the provider accepted a change: our row with the provider's
 * new plan/periods/cancel flag. The row itself follows when the provider's webhook is applied (the
 * one path that changes it, so ordering rules live in one place).
 */
export function withProviderSnapshot(
  row: SubscriptionEntity,
  snapshot: ProviderSubscriptionSnapshot,
): SubscriptionDto {
  return {
    ...toSubscriptionDto(row),
    plan: snapshot.plan ?? row.plan,
    currentPeriodStart: iso(snapshot.currentPeriodStart) ?? iso(row.currentPeriodStart),
    currentPeriodEnd: iso(snapshot.currentPeriodEnd) ?? iso(row.currentPeriodEnd),
    cancelAtPeriodEnd: snapshot.cancelAtPeriodEnd,
  };
}

/** A provider's hosted page as a command answers it: where to send the browser, until when. */
export function toHostedPageDto(session: CheckoutSession) {
  return { sessionId: session.sessionId, url: session.url, expiresAt: iso(session.expiresAt) };
}
