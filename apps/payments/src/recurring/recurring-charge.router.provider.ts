import type { Provider } from '@nestjs/common';
import { AzulTokenCharge } from '../providers/azul/azul-token-charge';
import {
  RecurringChargeRouter,
  type RecurringCharge,
  type RoutedCharge,
  type TokenChargeProvider,
} from '../providers/azul/recurring-charge-router';
import { PaymentProviders } from '../providers/payment-providers';
import { REGIONAL_PROVIDERS } from '../providers/providers.module';
import type { RegionalProviders } from '../providers/regional-providers';

/** Nest token of the router of AZUL's monthly charges (null router when AZUL is not configured). */
export const RECURRING_CHARGE_ROUTER = Symbol('RECURRING_CHARGE_ROUTER');

export interface RecurringChargeRouterHolder {
  router: RecurringChargeRouter | null;
  /** Straight to the fallback (Stripe), for a charge whose outcome there is unknown. */
  viaFallback: ((charge: RecurringCharge) => Promise<RoutedCharge>) | null;
}

/** AZUL first (its DataVault token, ForceNo3DS), Stripe's off-session PaymentIntent while AZUL is down. */
export const recurringChargeRouterProvider: Provider = {
  provide: RECURRING_CHARGE_ROUTER,
  useFactory: (regional: RegionalProviders, providers: PaymentProviders): RecurringChargeRouterHolder => {
    if (!regional.azul) return { router: null, viaFallback: null };
    // The Stripe adapter's `charge` has the router's shape (a port adapter plugs in as it is).
    const fallback: TokenChargeProvider | null = providers.has('stripe')
      ? (providers.get('stripe') as unknown as TokenChargeProvider)
      : null;
    const router = new RecurringChargeRouter(
      new AzulTokenCharge(regional.azul.client),
      regional.azul.client.breaker,
      fallback,
    );
    return {
      router,
      viaFallback: fallback
        ? async (charge) => {
            if (!charge.fallbackToken) throw new Error(`no fallback token for ${charge.idempotencyKey}`);
            const result = await fallback.charge(
              {
                organizationId: charge.organizationId,
                paymentToken: charge.fallbackToken,
                paymentMethodId: charge.fallbackPaymentMethod,
                amountCents: charge.amountCents,
                taxCents: charge.taxCents,
                currency: charge.currency,
                description: charge.description,
              },
              { idempotencyKey: charge.idempotencyKey },
            );
            return { provider: fallback.name, reason: 'azul-circuit-open', result };
          }
        : null,
    };
  },
  inject: [REGIONAL_PROVIDERS, PaymentProviders],
};
