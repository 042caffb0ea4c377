import type Stripe from 'stripe';
import type {
  ProviderInvoice,
  ProviderSubscriptionSnapshot,
  ProviderSubscriptionStatus,
} from '../payment-provider.port';
import type { StripePlanPrices } from './stripe-plan-prices';

/** Our organization id, attached as metadata to every customer, session and subscription we create. */
export const ORGANIZATION_METADATA_KEY = 'organizationId';

const fromSeconds = (value: number | null | undefined): Date | null =>
  typeof value === 'number' ? new Date(value * 1000) : null;

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

const SUBSCRIPTION_STATUSES: Record<string, ProviderSubscriptionStatus> = {
  incomplete: 'incomplete',
  incomplete_expired: 'canceled',
  trialing: 'trialing',
  active: 'active',
  past_due: 'past_due',
  unpaid: 'unpaid',
  canceled: 'canceled',
  paused: 'paused',
};

/**
 * A Stripe Subscription as the port's snapshot. Since API version 2025-03-31 the billing period
 * lives on the subscription items (one item per subscription here: the plan's price).
 */
export function subscriptionSnapshot(
  subscription: Stripe.Subscription,
  prices: StripePlanPrices,
): ProviderSubscriptionSnapshot {
  const item = subscription.items?.data?.[0];
  return {
    providerSubscriptionId: subscription.id,
    providerCustomerId: idOf(subscription.customer)!,
    organizationId: subscription.metadata?.[ORGANIZATION_METADATA_KEY] ?? null,
    plan: prices.planOf(item?.price?.id),
    status: SUBSCRIPTION_STATUSES[subscription.status] ?? 'incomplete',
    currentPeriodStart: fromSeconds(item?.current_period_start),
    currentPeriodEnd: fromSeconds(item?.current_period_end),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
  };
}

const INVOICE_STATUSES = ['draft', 'open', 'paid', 'uncollectible', 'void'] as const;

export function providerInvoice(invoice: Stripe.Invoice, prices: StripePlanPrices): ProviderInvoice {
  const details = invoice.parent?.subscription_details ?? null;
  const line = invoice.lines?.data?.[0];
  const priceId = line?.pricing?.price_details?.price;
  const taxCents = (invoice.total_taxes ?? []).reduce((sum, tax) => sum + tax.amount, 0);
  const status = INVOICE_STATUSES.find((candidate) => candidate === invoice.status) ?? 'open';
  return {
    providerInvoiceId: invoice.id!,
    providerCustomerId: idOf(invoice.customer)!,
    providerSubscriptionId: idOf(details?.subscription ?? null),
    organizationId:
      details?.metadata?.[ORGANIZATION_METADATA_KEY] ?? invoice.metadata?.[ORGANIZATION_METADATA_KEY] ?? null,
    number: invoice.number ?? null,
    status,
    currency: invoice.currency,
    subtotalCents: invoice.subtotal,
    taxCents,
    totalCents: invoice.total,
    amountPaidCents: invoice.amount_paid,
    plan: prices.planOf(typeof priceId === 'string' ? priceId : null),
    periodStart: fromSeconds(invoice.period_start),
    periodEnd: fromSeconds(invoice.period_end),
    paidAt: fromSeconds(invoice.status_transitions?.paid_at),
    attemptCount: invoice.attempt_count,
  };
}

export { idOf as stripeIdOf };
