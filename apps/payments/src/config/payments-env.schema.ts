import { z } from 'zod';
import { secret, serviceEnvSchema, urlWithProtocol } from '@platform/config';
import { providerEnvProblems, providerEnvShape } from './provider-env';

const positiveInt = z.coerce.number().int().positive();

/** Days after the first failed payment on which dunning retries run (then the organization is suspended). */
const retryDays = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be comma-separated whole days, e.g. 1,3,5,7')
  .transform((value) => value.split(',').map(Number))
  .refine((days) => days.every((day, i) => day > 0 && (i === 0 || day > days[i - 1]!)), 'must increase');

/**
 * The payments service's environment: the shared service variables plus Stripe, dunning and mail.
 * Stripe is optional outside production (its routes then answer 503 SERVICE_UNAVAILABLE), required in it.
 */
export const paymentsEnvSchema = z
  .object({
    ...serviceEnvSchema.shape,
    // AZUL and Mercado Pago (H5): every variable optional; see provider-env.ts.
    ...providerEnvShape,
    STRIPE_SECRET_KEY: secret(z.string().startsWith('sk_').optional()),
    /** The webhook endpoint's signing secret (`whsec_...`). */
    STRIPE_WEBHOOK_SECRET: secret(z.string().startsWith('whsec_').optional()),
    /** Webhooks signed longer ago than this are refused (replay protection; Stripe's default 300). */
    STRIPE_WEBHOOK_TOLERANCE_SECONDS: positiveInt.default(300),
    /** Stripe API base URL: the real one by default; tests point it at the local fake. */
    STRIPE_API_URL: urlWithProtocol('http', 'https').default('https://api.stripe.com'),
    STRIPE_TIMEOUT_MS: positiveInt.default(10_000),
    /** The Stripe Price of each paid plan (monthly). */
    STRIPE_PRICE_STARTER: z.string().startsWith('price_').optional(),
    STRIPE_PRICE_PROFESSIONAL: z.string().startsWith('price_').optional(),
    STRIPE_PRICE_ENTERPRISE: z.string().startsWith('price_').optional(),
    /** How often the webhook inbox processor looks for pending events. */
    WEBHOOK_INBOX_POLL_MS: positiveInt.default(500),
    /** Inbox events applied at once (each in its own transaction). */
    WEBHOOK_INBOX_CONCURRENCY: positiveInt.default(4),
    /** Attempts before an inbox event is parked (left unprocessed with its last error, for an operator). */
    WEBHOOK_INBOX_MAX_ATTEMPTS: positiveInt.default(10),
    /**
     * Applied inbox events are deleted this many days after they were applied. The row is also the
     * dedup key of a redelivery, so keep it well past the providers' retry windows (Stripe retries
     * for up to 3 days): at least 7.
     */
    WEBHOOK_INBOX_RETENTION_DAYS: z.coerce.number().int().min(7).default(30),
    /** How often the pruning of applied inbox events runs. */
    WEBHOOK_INBOX_PRUNE_INTERVAL_MS: positiveInt.default(3_600_000),
    DUNNING_RETRY_DAYS: retryDays.default([1, 3, 5, 7]),
    /** How often the dunning job looks for retries that are due. */
    DUNNING_POLL_MS: positiveInt.default(60_000),
    /**
     * AZUL monthly charges: the notice email goes this many days before the charge (seed 003).
     * Mercado Pago months: the renewal reminder goes this many days before the month ends, and from
     * then the next month can be paid ahead.
     */
    RECURRING_NOTICE_DAYS: z.coerce.number().int().min(0).max(28).default(3),
    /** How often the recurring-charge job looks for notices and charges that are due. */
    RECURRING_CHARGE_POLL_MS: positiveInt.default(300_000),
    /** SMTP for billing emails; unset outside production: emails are written to the log. */
    SMTP_URL: secret(urlWithProtocol('smtp', 'smtps').optional()),
    MAIL_FROM: z.string().min(3).default('Platform Billing <billing@localhost>'),
    /**
     * Attempts to send one billing notice before it is parked in `payments.billing-mail.dlq`. With
     * the default backoff (10 s doubling, capped at 5 min) 20 attempts ride out about 80 minutes of
     * SMTP outage.
     */
    MAIL_MAX_ATTEMPTS: positiveInt.default(20),
    /** Delay before the first retry of a failed send; each next one doubles (at most 5 minutes). */
    MAIL_RETRY_BASE_MS: positiveInt.default(10_000),
    /** Billing notices sent at once per replica (each holds a database connection while SMTP answers). */
    MAIL_CONCURRENCY: positiveInt.default(4),
  })
  .superRefine((env, ctx) => {
    for (const problem of providerEnvProblems(env, env.NODE_ENV))
      ctx.addIssue({ code: 'custom', message: problem });
    if (env.NODE_ENV !== 'production') return;
    for (const key of [
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
      'STRIPE_PRICE_STARTER',
      'STRIPE_PRICE_PROFESSIONAL',
      'STRIPE_PRICE_ENTERPRISE',
      'SMTP_URL',
    ] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required in production' });
    }
  });
export type PaymentsEnv = z.infer<typeof paymentsEnvSchema>;
