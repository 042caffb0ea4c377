import nodemailer, { type Transporter } from 'nodemailer';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Mailer, type MailMessage } from './mailer.port';

/**
 * Sends through any SMTP server (`smtp://user:pass@host:587`, `smtps://...`; add `?pool=true` for
 * pooled connections), one connection per message otherwise.
 */
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

  /** Resolves once the server accepted the message (250 after DATA); rejects on any SMTP or network error. */
  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...message });
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
