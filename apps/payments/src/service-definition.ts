import { defineBackendService } from '@platform/bootstrap';
import { AzulPaymentsModule } from './azul-payments/azul-payments.module';
import { paymentsEnvSchema, type PaymentsEnv } from './config/payments-env.schema';
import { DunningModule } from './dunning/dunning.module';
import { FallbackCardModule } from './fallback-card/fallback-card.module';
import { paymentsEntities } from './entities';
import { InvoicesModule } from './invoices/invoices.module';
import { MailModule } from './mail/mail.module';
import { paymentsMigrations } from './migrations';
import { ProvidersModule } from './providers/providers.module';
import { RecurringModule } from './recurring/recurring.module';
import { Clock } from './shared/clock';
import { ClockModule } from './shared/clock.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { UsageModule } from './usage/usage.module';
import { WebhooksModule } from './webhooks/webhooks.module';

export interface PaymentsServiceOverrides {
  /** Tests move time on (dunning schedule, webhook tolerance). */
  clock?: Clock;
}

/**
 * The payments service: subscriptions per organization through payment providers (Stripe here;
 * AZUL and Mercado Pago adapters implement the same port), a durable webhook inbox on the internal
 * HTTP port, invoices, dunning and metering (usage per billing period, 80%/100% alerts). It owns the `platform_payments` database (subscriptions and
 * invoices under forced RLS) and publishes the subscription lifecycle through its outbox.
 */
export function createPaymentsService(overrides: PaymentsServiceOverrides = {}) {
  return defineBackendService<PaymentsEnv>({
    service: 'payments',
    envSchema: paymentsEnvSchema,
    migrations: paymentsMigrations,
    entities: paymentsEntities,
    redis: false,
    tenancy: true,
    features: [
      ClockModule.forRoot(overrides.clock),
      MailModule,
      ProvidersModule,
      SubscriptionsModule,
      InvoicesModule,
      WebhooksModule,
      AzulPaymentsModule,
      FallbackCardModule,
      RecurringModule,
      DunningModule,
      UsageModule,
    ],
  });
}

export const paymentsService = createPaymentsService();
