import type { Logger } from 'pino';
import { Mailer, type MailMessage } from './mailer.port';

/**
 * Development only (each service's config refuses it in production): with no SMTP_URL, emails —
 * links included — are written to the log, so a local `npm start` can still reset passwords,
 * accept invites and read billing notices.
 */
export class LogMailer extends Mailer {
  constructor(private readonly logger: Pick<Logger, 'info'>) {
    super();
  }

  async send(message: MailMessage): Promise<void> {
    this.logger.info(
      { mail: { to: message.to, subject: message.subject, text: message.text } },
      'mail (log adapter)',
    );
  }
}
