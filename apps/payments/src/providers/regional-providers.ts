import type { ProviderEnv } from '../config/provider-env';
import type { AzulClient } from './azul/azul-client';
import { createAzulClient } from './azul/azul-client.factory';
import { AzulPaymentProvider } from './azul/azul.provider';
import { createMercadoPagoGateway } from './mercadopago/mercadopago-gateway.factory';
import { MercadoPagoPaymentProvider } from './mercadopago/mercadopago.provider';
import type { PaymentProvider } from './payment-provider.port';

export interface RegionalProviders {
  providers: PaymentProvider[];
  /** AZUL's client (3-D Secure continuation, recurring charges) and adapter; null when not configured. */
  azul: { client: AzulClient; provider: AzulPaymentProvider } | null;
  /** Closes AZUL's keep-alive TLS connections (call on module destroy). */
  close(): void;
}

/**
 * The AZUL and Mercado Pago adapters the env configures (none, one or both), for ProvidersModule:
 * `providers.push(...regional.providers)`. AZUL needs its callback secret to offer 3-D Secure.
 */
export function createRegionalProviders(
  env: ProviderEnv,
  options: { now?: () => Date } = {},
): RegionalProviders {
  const providers: PaymentProvider[] = [];
  // The breaker's cool-down runs on the service clock too (tests move it on instead of sleeping).
  const azul = createAzulClient(env, options.now ? { now: () => options.now!().getTime() } : {});
  let azulRuntime: RegionalProviders['azul'] = null;
  if (azul && env.AZUL_CALLBACK_SECRET) {
    const provider = new AzulPaymentProvider(azul.client, {
      callbackSecret: env.AZUL_CALLBACK_SECRET,
      callbackTtlSeconds: env.AZUL_CALLBACK_TTL_SECONDS,
      now: options.now,
    });
    providers.push(provider);
    azulRuntime = { client: azul.client, provider };
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
  return { providers, azul: azulRuntime, close: () => azul?.close() };
}
