import type { PaidPlanCode, PlanCode } from '@platform/contracts';
import type { PaymentsEnv } from '../../config/payments-env.schema';

/** Our plans ↔ the account's Stripe Prices (from the env), both ways. */
export class StripePlanPrices {
  private readonly byPlan: Partial<Record<PaidPlanCode, string>>;
  private readonly byPrice: Map<string, PaidPlanCode>;

  constructor(
    config: Pick<
      PaymentsEnv,
      'STRIPE_PRICE_STARTER' | 'STRIPE_PRICE_PROFESSIONAL' | 'STRIPE_PRICE_ENTERPRISE'
    >,
  ) {
    this.byPlan = {
      STARTER: config.STRIPE_PRICE_STARTER,
      PROFESSIONAL: config.STRIPE_PRICE_PROFESSIONAL,
      ENTERPRISE: config.STRIPE_PRICE_ENTERPRISE,
    };
    this.byPrice = new Map(
      Object.entries(this.byPlan)
        .filter((entry): entry is [PaidPlanCode, string] => Boolean(entry[1]))
        .map(([plan, price]) => [price, plan]),
    );
  }

  /** The price of `plan`, or undefined when the account has none configured for it. */
  priceOf(plan: PaidPlanCode): string | undefined {
    return this.byPlan[plan];
  }

  /** null when the price is none of ours (a price created by hand in the dashboard). */
  planOf(priceId: string | null | undefined): PlanCode | null {
    return (priceId && this.byPrice.get(priceId)) || null;
  }
}
