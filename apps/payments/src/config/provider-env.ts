import { z } from 'zod';
import { secret, urlWithProtocol } from '@platform/config';

const positiveInt = z.coerce.number().int().positive();

/**
 * Local-currency monthly prices of the paid plans, in cents: `STARTER:11900000,PROFESSIONAL:39900000,...`
 * (PLANS in libs/contracts holds USD prices for Stripe; AZUL charges DOP, Mercado Pago COP).
 */
const planPrices = z
  .string()
  .regex(
    /^(STARTER|PROFESSIONAL|ENTERPRISE):\d+(,(STARTER|PROFESSIONAL|ENTERPRISE):\d+)*$/,
    'must be PLAN:cents,PLAN:cents',
  )
  .transform(
    (value) =>
      Object.fromEntries(
        value.split(',').map((pair) => [pair.split(':')[0], Number(pair.split(':')[1])]),
      ) as Partial<Record<'STARTER' | 'PROFESSIONAL' | 'ENTERPRISE', number>>,
  );

/**
 * Environment of the AZUL and Mercado Pago providers. Spread into the payments service's env schema
 * (apps/payments/src/service-definition.ts) next to the Stripe variables. Every provider is optional:
 * one whose credentials are unset is
 * not built (createAzulClient / createMercadoPagoGateway return null) and must not be offered.
 */
export const providerEnvShape = {
  /** AZUL JSON web service: https://pagos.azul.com.do/WebServices/JSON/Default.aspx (tests: https://pruebas.azul.com.do/...). */
  AZUL_URL: urlWithProtocol('https').optional(),
  /** Store / merchant id (MID) AZUL assigned. */
  AZUL_MERCHANT_ID: z.string().min(1).max(11).optional(),
  AZUL_CHANNEL: z.string().min(1).max(3).default('EC'),
  AZUL_POS_INPUT_MODE: z.string().min(1).max(10).default('E-Commerce'),
  /** The two authentication factors AZUL sends as the Auth1 / Auth2 HTTP headers. */
  AZUL_AUTH1: secret(z.string().min(1).optional()),
  AZUL_AUTH2: secret(z.string().min(1).optional()),
  /** PEM client certificate and key for AZUL's mutual TLS (paths; mount them as a k8s secret volume). */
  AZUL_CERT_PATH: z.string().min(1).optional(),
  AZUL_KEY_PATH: z.string().min(1).optional(),
  /** Extra CA (PEM path) to trust for AZUL's server certificate; unset in production (public CA). */
  AZUL_CA_PATH: z.string().min(1).optional(),
  /** Budget of one AZUL call. AZUL suggests 120 s; a timed-out charge is verified before any retry. */
  AZUL_TIMEOUT_MS: positiveInt.default(30_000),
  /**
   * Signs the session token in the 3-D Secure TermUrl / MethodNotificationUrl we hand AZUL, so a post
   * to /v1/webhooks/azul that we did not ask for is refused (>= 32 bytes).
   */
  AZUL_CALLBACK_SECRET: secret(z.string().min(32).optional()),
  /**
   * Public URL of POST /v1/webhooks/azul (through the gateway): the base of the TermUrl and
   * MethodNotificationUrl of every customer-present charge. Without it AZUL charges go without 3-D Secure.
   */
  AZUL_CALLBACK_URL: urlWithProtocol('https', 'http').optional(),
  /**
   * Where the cardholder's browser goes once it has posted the 3-D Secure challenge result to
   * /v1/webhooks/azul (303 See Other, `?azul3ds=received`): the app's page that polls the payment.
   * Unset: the post is answered with JSON, and the browser stays on it.
   */
  AZUL_RETURN_URL: urlWithProtocol('https', 'http').optional(),
  /** How long a 3-D Secure callback URL stays valid, seconds. */
  AZUL_CALLBACK_TTL_SECONDS: positiveInt.default(900),
  /** AZUL's breaker opens after this many timeouts/unreachable answers in a row... */
  AZUL_BREAKER_CONSECUTIVE_FAILURES: positiveInt.default(3),
  /** ...stays open this long (recurring charges go to Stripe meanwhile), then one probe decides. */
  AZUL_BREAKER_COOLDOWN_MS: positiveInt.default(60_000),
  /** Monthly plan prices AZUL charges, DOP cents with ITBIS included (the ITBIS part is computed). */
  AZUL_PLAN_PRICES_CENTS: planPrices.optional(),
  /** Mercado Pago access token (APP_USR-... in production, TEST-... for the sandbox). */
  MERCADOPAGO_ACCESS_TOKEN: secret(z.string().min(1).optional()),
  /** Secret of the webhook configured in "Your integrations": verifies x-signature. */
  MERCADOPAGO_WEBHOOK_SECRET: secret(z.string().min(1).optional()),
  /** Public URL of POST /v1/webhooks/mercadopago, given to every preference as notification_url. */
  MERCADOPAGO_NOTIFICATION_URL: urlWithProtocol('https', 'http').optional(),
  /** Oldest x-signature ts accepted (replay window), seconds. */
  MERCADOPAGO_WEBHOOK_TOLERANCE_SECONDS: positiveInt.default(300),
  /** Only for tests and local fakes: replaces https://api.mercadopago.com for the SDK. Never in production. */
  MERCADOPAGO_API_BASE_URL: urlWithProtocol('http', 'https').optional(),
  MERCADOPAGO_TIMEOUT_MS: positiveInt.default(10_000),
  /** Currency of the Mercado Pago account's site (COP for Colombia, seed 004). */
  MERCADOPAGO_CURRENCY: z.string().length(3).default('COP'),
  /** Monthly plan prices in Checkout Pro, cents of MERCADOPAGO_CURRENCY. */
  MERCADOPAGO_PLAN_PRICES_CENTS: planPrices.optional(),
};

export const providerEnvSchema = z.object(providerEnvShape);
export type ProviderEnv = z.infer<typeof providerEnvSchema>;

/** Reasons the provider env cannot run in production; [] when fine. Called from the service env's superRefine. */
export function providerEnvProblems(env: ProviderEnv, nodeEnv: string): string[] {
  const problems: string[] = [];
  const azul = [
    env.AZUL_URL,
    env.AZUL_MERCHANT_ID,
    env.AZUL_AUTH1,
    env.AZUL_AUTH2,
    env.AZUL_CERT_PATH,
    env.AZUL_KEY_PATH,
  ];
  if (azul.some(Boolean) && !azul.every(Boolean)) {
    problems.push(
      'AZUL needs all of AZUL_URL, AZUL_MERCHANT_ID, AZUL_AUTH1, AZUL_AUTH2, AZUL_CERT_PATH, AZUL_KEY_PATH',
    );
  }
  if (azul.every(Boolean) && !env.AZUL_CALLBACK_SECRET) {
    problems.push('AZUL needs AZUL_CALLBACK_SECRET (signs the 3-D Secure callback URLs)');
  }
  if (env.MERCADOPAGO_ACCESS_TOKEN && !env.MERCADOPAGO_WEBHOOK_SECRET) {
    problems.push(
      'MERCADOPAGO_ACCESS_TOKEN needs MERCADOPAGO_WEBHOOK_SECRET (unsigned notifications are refused)',
    );
  }
  if (nodeEnv === 'production' && env.MERCADOPAGO_API_BASE_URL) {
    problems.push('MERCADOPAGO_API_BASE_URL is for tests only and must be unset in production');
  }
  return problems;
}
