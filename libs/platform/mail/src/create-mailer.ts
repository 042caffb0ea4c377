import type { Logger } from 'pino';
import { LogMailer } from './log-mailer.adapter';
import type { Mailer } from './mailer.port';
import { SmtpMailer } from './smtp-mailer.adapter';

/** The mail part of a service's validated env (each service's schema declares and checks it). */
export interface MailEnv {
  SMTP_URL?: string;
  MAIL_FROM: string;
}

/** The SMTP adapter when SMTP_URL is set, else (development) the log adapter, said once at boot. */
export function createMailer(env: MailEnv, logger: Pick<Logger, 'info' | 'warn'>): Mailer {
  if (env.SMTP_URL) return new SmtpMailer(env.SMTP_URL, env.MAIL_FROM);
  logger.warn('SMTP_URL is unset: emails are written to the log (development only)');
  return new LogMailer(logger);
}
