import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { createMailer, Mailer } from '@platform/mail';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { BillingMailConsumer } from './billing-mail.consumer';
import { BillingMailSender } from './billing-mail.sender';
import { BillingNotices } from './billing-notices';

/** Billing emails: queued through the outbox by the features (BillingNotices), sent by the consumer. */
@Global()
@Module({
  // The sender reads the billing address when it sends.
  imports: [SubscriptionsModule],
  providers: [
    {
      provide: Mailer,
      useFactory: (config: PaymentsEnv, logger: Logger): Mailer => createMailer(config, logger),
      inject: [SERVICE_CONFIG, LOGGER],
    },
    BillingNotices,
    BillingMailSender,
    BillingMailConsumer,
  ],
  exports: [BillingNotices],
})
export class MailModule {}
