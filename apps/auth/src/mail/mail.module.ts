import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import type { AuthEnv } from '../config/auth-env.schema';
import { BackgroundMail } from './background-mail';
import { LogMailer } from './log-mailer.adapter';
import { MailQuota } from './mail-quota';
import { Mailer } from './mailer.port';
import { MailTemplates } from './mail-templates';
import { SmtpMailer } from './smtp-mailer.adapter';

@Global()
@Module({
  providers: [
    {
      provide: Mailer,
      useFactory: (config: AuthEnv, logger: Logger): Mailer => {
        if (config.SMTP_URL) return new SmtpMailer(config.SMTP_URL, config.MAIL_FROM);
        logger.warn('SMTP_URL is unset: emails are written to the log (development only)');
        return new LogMailer(logger);
      },
      inject: [SERVICE_CONFIG, LOGGER],
    },
    MailTemplates,
    MailQuota,
    BackgroundMail,
  ],
  exports: [Mailer, MailTemplates, MailQuota, BackgroundMail],
})
export class MailModule {}
