import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { createMailer, Mailer } from '@platform/mail';
import type { AuthEnv } from '../config/auth-env.schema';
import { BackgroundMail } from './background-mail';
import { MailQuota } from './mail-quota';
import { MailTemplates } from './mail-templates';

@Global()
@Module({
  providers: [
    {
      provide: Mailer,
      useFactory: (config: AuthEnv, logger: Logger): Mailer => createMailer(config, logger),
      inject: [SERVICE_CONFIG, LOGGER],
    },
    MailTemplates,
    MailQuota,
    BackgroundMail,
  ],
  exports: [Mailer, MailTemplates, MailQuota, BackgroundMail],
})
export class MailModule {}
