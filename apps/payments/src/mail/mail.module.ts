import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { BillingMail } from './billing-mail';
import { LogMailer, Mailer, SmtpMailer } from './mailer';

@Global()
@Module({
  providers: [
    {
      provide: Mailer,
      useFactory: (config: PaymentsEnv, logger: Logger): Mailer =>
        config.SMTP_URL ? new SmtpMailer(config.SMTP_URL, config.MAIL_FROM) : new LogMailer(logger),
      inject: [SERVICE_CONFIG, LOGGER],
    },
    BillingMail,
  ],
  exports: [BillingMail],
})
export class MailModule {}
