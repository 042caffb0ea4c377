/** An outgoing email. `text` is always sent; `html` is optional. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * The Message-ID header (`<id@domain>`). A sender that may deliver the same mail twice (an
   * at-least-once relay) derives it from its idempotency key, so a resent copy carries the same id
   * and receiving systems can recognise it; unset, the SMTP adapter generates one.
   */
  messageId?: string;
}

/** Port for outgoing mail; adapters: SMTP (nodemailer) and, outside production, the log. */
export abstract class Mailer {
  abstract send(message: MailMessage): Promise<void>;
}
