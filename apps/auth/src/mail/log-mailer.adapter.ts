import type { Logger } from 'pino';
import { Mailer, type MailMessage } from './mailer.port';

/**
 * Development only (config refuses it in production): with no SMTP_URL, emails — links included —
 * are written to the log so that a local `npm start` can still reset passwords and accept invites.
 */
export class LogMailer extends Mailer {
  constructor(private readonly logger: Logger) {
    super();
  }

  async send(message: MailMessage): Promise<void> {
    this.logger.info(
      { mail: { to: message.to, subject: message.subject, text: message.text } },
      'mail (log adapter)',
    );
  }
}
