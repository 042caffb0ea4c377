import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { paymentsContract, type Principal, type Role } from '@platform/contracts';
import { FakeStripe, ServiceTestBed, startSmtpSink, type SmtpSink } from '@platform/testing';
import { ControllableClock } from '../../src/shared/clock';
import { createPaymentsService } from '../../src/service-definition';

/** The account's prices (cents per month), one per paid plan, as in PLANS. */
export const TEST_PRICES = {
  STARTER: { id: 'price_test_starter', unitAmount: 2900, currency: 'usd' },
  PROFESSIONAL: { id: 'price_test_professional', unitAmount: 9900, currency: 'usd' },
  ENTERPRISE: { id: 'price_test_enterprise', unitAmount: 29900, currency: 'usd' },
} as const;

export interface PaymentsTestApp {
  bed: ServiceTestBed<never, typeof paymentsContract>;
  stripe: FakeStripe;
  clock: ControllableClock;
  mail: SmtpSink;
  /** POSTs a signed Stripe delivery to the service's internal webhook endpoint. */
  deliver(event: Stripe.Event, options?: { timestamp?: number; secret?: string }): Promise<Response>;
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
    // The test drives the dunning job itself, after moving the clock.
    DUNNING_POLL_MS: '3600000',
    SMTP_URL: mail.url,
    MAIL_FROM: 'Billing <billing@platform.test>',
  };
}

/** Payments on a fresh database and vhost, Stripe as the local fake, one clock for both. */
export async function startPaymentsTestApp(env: Record<string, string> = {}): Promise<PaymentsTestApp> {
  const clock = new ControllableClock(new Date());
  const stripe = await new FakeStripe({ prices: Object.values(TEST_PRICES), now: () => clock.now() }).start();
  const mail = await startSmtpSink();
  const bed = (await ServiceTestBed.start(createPaymentsService({ clock }), {
    contract: paymentsContract,
    env: { ...paymentsEnv(stripe, mail), ...env },
  })) as unknown as ServiceTestBed<never, typeof paymentsContract>;
  return {
    bed,
    stripe,
    clock,
    mail,
    deliver: (event, options) => {
      const { payload, headers } = stripe.signedDelivery(event, options);
      return fetch(`${bed.service.url}/v1/webhooks/stripe`, { method: 'POST', headers, body: payload });
    },
    stop: async () => {
      await bed.stop();
      await stripe.stop();
      await mail.close();
    },
  };
}
