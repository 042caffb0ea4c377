import type { ProviderEnv } from '../../config/provider-env';
import { MercadoPagoGateway } from './mercadopago-gateway';

/** The Mercado Pago gateway the env describes, or null when Mercado Pago is not configured. */
export function createMercadoPagoGateway(
  env: ProviderEnv,
  options: { maxRetries?: number } = {},
): MercadoPagoGateway | null {
  if (!env.MERCADOPAGO_ACCESS_TOKEN || !env.MERCADOPAGO_WEBHOOK_SECRET) return null;
  return new MercadoPagoGateway({
    accessToken: env.MERCADOPAGO_ACCESS_TOKEN,
    webhookSecret: env.MERCADOPAGO_WEBHOOK_SECRET,
    webhookToleranceSeconds: env.MERCADOPAGO_WEBHOOK_TOLERANCE_SECONDS,
    timeoutMs: env.MERCADOPAGO_TIMEOUT_MS,
    maxRetries: options.maxRetries,
    apiBaseUrl: env.MERCADOPAGO_API_BASE_URL,
  });
}
