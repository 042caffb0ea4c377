import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import {
  expectMatchesContract,
  PAYMENTS_RPC,
  paymentsContract,
  type Principal,
  type Role,
  type SubscriptionDto,
} from '@platform/contracts';
import {
  FakeStripe,
  ServiceTestBed,
  createTestPki,
  startFakeAzul,
  startFakeMercadoPago,
  startSmtpSink,
  waitFor,
  type FakeAzul,
  type FakeMercadoPago,
  type FakeNotification,
  type SmtpSink,
  type TestPki,
} from '@platform/testing';
import { ControllableClock } from '../../src/shared/clock';
import { createPaymentsService } from '../../src/service-definition';

/** The account's prices (cents per month), one per paid plan, as in PLANS. */
export const TEST_PRICES = {
  STARTER: { id: 'price_test_starter', unitAmount: 2900, currency: 'usd' },
  PROFESSIONAL: { id: 'price_test_professional', unitAmount: 9900, currency: 'usd' },
  ENTERPRISE: { id: 'price_test_enterprise', unitAmount: 29900, currency: 'usd' },
} as const;

/** AZUL monthly prices, DOP cents with ITBIS included (18 %: 2,950.00 = 2,500.00 + 450.00). */
export const AZUL_TEST_PRICES = { STARTER: 295_000, PROFESSIONAL: 590_000, ENTERPRISE: 1_770_000 } as const;
/** Mercado Pago (COP) monthly prices in cents. */
export const MERCADOPAGO_TEST_PRICES = {
  STARTER: 11_900_000,
  PROFESSIONAL: 39_900_000,
  ENTERPRISE: 119_900_000,
} as const;
/** Where the TermUrl of AZUL's 3-D Secure points (the gateway's public route). */
export const AZUL_CALLBACK_URL = 'https://api.example.test/v1/webhooks/azul';

export interface PaymentsTestOptions {
  /** Also start the fake AZUL (mutual TLS) and configure AZUL with 3-D Secure callbacks. */
  azul?: boolean;
  /** Also start the fake Mercado Pago API and configure the SDK against it. */
  mercadoPago?: boolean;
}

export interface PaymentsTestApp {
  bed: ServiceTestBed<never, typeof paymentsContract>;
  stripe: FakeStripe;
  /** Present when started with `azul: true`. */
  azul: FakeAzul | null;
  /** Present when started with `mercadoPago: true`. */
  mercadoPago: FakeMercadoPago | null;
  clock: ControllableClock;
  mail: SmtpSink;
  /** POSTs a signed Stripe delivery to the service's internal webhook endpoint. */
  deliver(event: Stripe.Event, options?: { timestamp?: number; secret?: string }): Promise<Response>;
  /** Delivers each (expecting 200), then waits until the inbox has applied every accepted event. */
  deliverAll(events: Stripe.Event[]): Promise<void>;
  /** POSTs a Mercado Pago notification (query, headers, raw body) as Mercado Pago would. */
  deliverMercadoPago(notification: FakeNotification): Promise<Response>;
  /** POSTs the form the issuer's page makes the browser send to a TermUrl / method URL we handed AZUL. */
  postAzulCallback(callbackUrl: string, form: Record<string, string>): Promise<Response>;
  /** Waits until no accepted webhook is pending (they are applied concurrently). */
  inboxDrained(): Promise<void>;
  inboxCount(): Promise<number>;
  /** The outbox payloads of one routing key and organization, oldest first. */
  outboxEvents(routingKey: string, organizationId: string): Promise<object[]>;
  /** `GET subscription` as `principal`, checked against the payments contract. */
  subscriptionOf(principal: Principal): Promise<SubscriptionDto>;
  stop(): Promise<void>;
}

/** A signed-in member of `organizationId` as the gateway puts them in the envelope. */
export function member(organizationId: string, roles: Role[], kind: Principal['kind'] = 'user'): Principal {
  return {
    kind,
    userId: kind === 'user' ? randomUUID() : null,
    organizationId,
    roles,
    scopes: [],
    apiKeyId: kind === 'api-key' ? randomUUID() : null,
    sessionId: kind === 'user' ? randomUUID() : null,
    tokenId: kind === 'user' ? randomUUID() : null,
  };
}

/** The env that points the service at `stripe` and `mail`. */
export function paymentsEnv(stripe: FakeStripe, mail: SmtpSink): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    STRIPE_API_URL: stripe.url,
    STRIPE_PRICE_STARTER: TEST_PRICES.STARTER.id,
    STRIPE_PRICE_PROFESSIONAL: TEST_PRICES.PROFESSIONAL.id,
    STRIPE_PRICE_ENTERPRISE: TEST_PRICES.ENTERPRISE.id,
    WEBHOOK_INBOX_POLL_MS: '50',
    // The tests drive the dunning and recurring-charge jobs themselves, after moving the clock.
    DUNNING_POLL_MS: '3600000',
    RECURRING_CHARGE_POLL_MS: '3600000',
    SMTP_URL: mail.url,
    MAIL_FROM: 'Billing <billing@platform.test>',
  };
}

const planPrices = (prices: Record<string, number>) =>
  Object.entries(prices)
    .map(([plan, cents]) => `${plan}:${cents}`)
    .join(',');

function azulEnv(fake: FakeAzul, pki: TestPki): Record<string, string> {
  return {
    AZUL_URL: fake.url,
    AZUL_MERCHANT_ID: fake.store,
    AZUL_AUTH1: fake.auth1,
    AZUL_AUTH2: fake.auth2,
    AZUL_CERT_PATH: pki.clientCertPath,
    AZUL_KEY_PATH: pki.clientKeyPath,
    AZUL_CA_PATH: pki.caCertPath,
    AZUL_CALLBACK_SECRET: 'azul-callback-secret-of-the-payments-tests',
    AZUL_CALLBACK_URL,
    AZUL_PLAN_PRICES_CENTS: planPrices(AZUL_TEST_PRICES),
    AZUL_TIMEOUT_MS: '5000',
  };
}

function mercadoPagoEnv(fake: FakeMercadoPago): Record<string, string> {
  return {
    MERCADOPAGO_ACCESS_TOKEN: fake.accessToken,
    MERCADOPAGO_WEBHOOK_SECRET: fake.webhookSecret,
    MERCADOPAGO_API_BASE_URL: fake.baseUrl,
    MERCADOPAGO_NOTIFICATION_URL: 'https://api.example.test/v1/webhooks/mercadopago',
    MERCADOPAGO_PLAN_PRICES_CENTS: planPrices(MERCADOPAGO_TEST_PRICES),
    MERCADOPAGO_TIMEOUT_MS: '5000',
  };
}

/** Payments on a fresh database and vhost, providers as local fakes, one clock for the service and Stripe. */
export async function startPaymentsTestApp(
  env: Record<string, string> = {},
  options: PaymentsTestOptions = {},
): Promise<PaymentsTestApp> {
  const clock = new ControllableClock(new Date());
  const stripe = await new FakeStripe({ prices: Object.values(TEST_PRICES), now: () => clock.now() }).start();
  const mail = await startSmtpSink();
  const pki = options.azul ? createTestPki() : null;
  const azul = pki ? await startFakeAzul({ pki }) : null;
  const mercadoPago = options.mercadoPago ? await startFakeMercadoPago() : null;
  const bed = (await ServiceTestBed.start(createPaymentsService({ clock }), {
    contract: paymentsContract,
    env: {
      ...paymentsEnv(stripe, mail),
      ...(azul && pki ? azulEnv(azul, pki) : {}),
      ...(mercadoPago ? mercadoPagoEnv(mercadoPago) : {}),
      ...env,
    },
  })) as unknown as ServiceTestBed<never, typeof paymentsContract>;
  const count = async (sql: string): Promise<number> => Number((await bed.admin.query(sql))[0].n);
  const inboxDrained = async (): Promise<void> => {
    await waitFor(
      'every accepted webhook applied',
      async () =>
        (await count(`SELECT count(*)::int AS n FROM webhook_inbox WHERE processed_at IS NULL`)) === 0,
    );
  };
  const deliver: PaymentsTestApp['deliver'] = (event, deliveryOptions) => {
    const { payload, headers } = stripe.signedDelivery(event, deliveryOptions);
    return fetch(`${bed.service.url}/v1/webhooks/stripe`, { method: 'POST', headers, body: payload });
  };
  return {
    bed,
    stripe,
    azul,
    mercadoPago,
    clock,
    mail,
    deliver,
    async deliverAll(events) {
      for (const event of events) {
        const response = await deliver(event);
        if (response.status !== 200) throw new Error(`delivery of ${event.type} answered ${response.status}`);
      }
      await inboxDrained();
    },
    deliverMercadoPago: ({ query, headers, rawBody }) =>
      fetch(`${bed.service.url}/v1/webhooks/mercadopago?${new URLSearchParams(query).toString()}`, {
        method: 'POST',
        headers,
        body: rawBody,
      }),
    postAzulCallback: (callbackUrl, form) =>
      fetch(`${bed.service.url}/v1/webhooks/azul${new URL(callbackUrl).search}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        // A browser would follow a 303 to the app (AZUL_RETURN_URL); the test reads the answer itself.
        redirect: 'manual',
      }),
    inboxDrained,
    inboxCount: () => count(`SELECT count(*)::int AS n FROM webhook_inbox`),
    async outboxEvents(routingKey, organizationId) {
      const rows: { payload: object }[] = await bed.admin.query(
        `SELECT payload FROM outbox_events WHERE routing_key = $1 AND payload->>'organizationId' = $2 ORDER BY occurred_at`,
        [routingKey, organizationId],
      );
      return rows.map((row) => row.payload);
    },
    subscriptionOf: async (principal) =>
      expectMatchesContract(
        paymentsContract,
        PAYMENTS_RPC.getSubscription,
        await bed.call(PAYMENTS_RPC.getSubscription, {}, principal),
      ) as SubscriptionDto,
    stop: async () => {
      await bed.stop();
      await stripe.stop();
      await mail.close();
      await azul?.close();
      pki?.remove();
      await mercadoPago?.close();
    },
  };
}
