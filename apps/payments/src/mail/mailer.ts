import nodemailer, { type Transporter } from 'nodemailer';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';

/** An outgoing email (text always; html optional). The same port as auth's mailer. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export abstract class Mailer {
  abstract send(message: MailMessage): Promise<void>;
}

/** Any SMTP server (`smtp://user:pass@host:587`), pooled. */
export class SmtpMailer extends Mailer implements OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    super();
    this.transport = nodemailer.createTransport(smtpUrl, {
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...message });
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}

/** Outside production without SMTP_URL: the mail goes to the log. */
export class LogMailer extends Mailer {
  constructor(private readonly logger: Logger) {
    super();
  }

  async send(message: MailMessage): Promise<void> {
    this.logger.info({ to: message.to, subject: message.subject }, 'billing mail (SMTP_URL unset)');
  }
}
