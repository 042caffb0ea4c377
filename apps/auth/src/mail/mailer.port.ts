/** An outgoing email. `text` is always sent; `html` is optional. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Port for outgoing mail; adapters: SMTP (nodemailer) and, outside production, the log. */
export abstract class Mailer {
  abstract send(message: MailMessage): Promise<void>;
}
