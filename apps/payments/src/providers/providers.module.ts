import { Global, Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { PaymentsEnv } from '../config/payments-env.schema';
import type { PaymentProvider } from './payment-provider.port';
import { PaymentProviders } from './payment-providers';
import { createRegionalProviders } from './regional-providers';
import { StripePaymentProvider } from './stripe/stripe.provider';

/** Builds the provider adapters the env configures (AZUL and Mercado Pago register here too). */
@Global()
@Module({
  providers: [
    {
      provide: PaymentProviders,
      useFactory: (config: PaymentsEnv) => {
        const providers: PaymentProvider[] = [];
        if (config.STRIPE_SECRET_KEY) providers.push(new StripePaymentProvider(config));
        // AZUL and Mercado Pago when configured (AZUL's idle keep-alive TLS sockets are unref'd).
        providers.push(...createRegionalProviders(config).providers);
        return new PaymentProviders(providers);
      },
      inject: [SERVICE_CONFIG],
    },
  ],
  exports: [PaymentProviders],
})
export class ProvidersModule {}
