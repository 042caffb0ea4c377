import type { ProviderEnv } from '../config/provider-env';
import { createAzulClient } from './azul/azul-client.factory';
import { AzulPaymentProvider } from './azul/azul.provider';
import { createMercadoPagoGateway } from './mercadopago/mercadopago-gateway.factory';
import { MercadoPagoPaymentProvider } from './mercadopago/mercadopago.provider';
import type { PaymentProvider } from './payment-provider.port';

export interface RegionalProviders {
  providers: PaymentProvider[];
  /** Closes AZUL's keep-alive TLS connections (call on module destroy). */
  close(): void;
}

/**
 * The AZUL and Mercado Pago adapters the env configures (none, one or both), for ProvidersModule:
 * `providers.push(...regional.providers)`. AZUL needs its callback secret to offer 3-D Secure.
 */
export function createRegionalProviders(env: ProviderEnv): RegionalProviders {
  const providers: PaymentProvider[] = [];
  const azul = createAzulClient(env);
  if (azul && env.AZUL_CALLBACK_SECRET) {
    providers.push(
      new AzulPaymentProvider(azul.client, {
        callbackSecret: env.AZUL_CALLBACK_SECRET,
        callbackTtlSeconds: env.AZUL_CALLBACK_TTL_SECONDS,
      }),
    );
  }
  const mercadoPago = createMercadoPagoGateway(env);
  if (mercadoPago) {
    providers.push(
      new MercadoPagoPaymentProvider(mercadoPago, {
        currency: env.MERCADOPAGO_CURRENCY,
        planPricesCents: env.MERCADOPAGO_PLAN_PRICES_CENTS ?? {},
        notificationUrl: env.MERCADOPAGO_NOTIFICATION_URL,
      }),
    );
  }
  return { providers, close: () => azul?.close() };
}
