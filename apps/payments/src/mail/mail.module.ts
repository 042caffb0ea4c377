import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { createMailer, Mailer } from '@platform/mail';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { BillingMail } from './billing-mail';

@Global()
@Module({
  providers: [
    {
      provide: Mailer,
      useFactory: (config: PaymentsEnv, logger: Logger): Mailer => createMailer(config, logger),
      inject: [SERVICE_CONFIG, LOGGER],
    },
    BillingMail,
  ],
  exports: [BillingMail],
})
export class MailModule {}
