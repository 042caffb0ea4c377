import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { Clock } from '../shared/clock';
import type { PaymentProvider } from './payment-provider.port';
import { PaymentProviders } from './payment-providers';
import { createRegionalProviders, type RegionalProviders } from './regional-providers';
import { StripePaymentProvider } from './stripe/stripe.provider';

/** Nest token of the AZUL and Mercado Pago adapters (and AZUL's client) the env configures. */
export const REGIONAL_PROVIDERS = Symbol('REGIONAL_PROVIDERS');

/** Builds the provider adapters the env configures: Stripe, AZUL and Mercado Pago. */
@Global()
@Module({
  providers: [
    {
      provide: REGIONAL_PROVIDERS,
      // The service clock signs AZUL's 3-D Secure callback expiry, so tests can move it on.
      useFactory: (config: PaymentsEnv, clock: Clock) =>
        createRegionalProviders(config, { now: () => clock.now() }),
      inject: [SERVICE_CONFIG, Clock],
    },
    {
      provide: PaymentProviders,
      useFactory: (config: PaymentsEnv, regional: RegionalProviders) => {
        const providers: PaymentProvider[] = [];
        if (config.STRIPE_SECRET_KEY) providers.push(new StripePaymentProvider(config));
        providers.push(...regional.providers);
        return new PaymentProviders(providers);
      },
      inject: [SERVICE_CONFIG, REGIONAL_PROVIDERS],
    },
  ],
  exports: [PaymentProviders, REGIONAL_PROVIDERS],
})
export class ProvidersModule implements OnApplicationShutdown {
  constructor(@Inject(REGIONAL_PROVIDERS) private readonly regional: RegionalProviders) {}

  /** Closes AZUL's keep-alive TLS connections. */
  onApplicationShutdown(): void {
    this.regional.close();
  }
}
