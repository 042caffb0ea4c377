import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { extractLinks } from './extract-links';

export interface ReceivedMail {
  /** Address of the From header (the envelope sender when the header has none). */
  from: string;
  /** Envelope recipients, lowercased: every address the message was delivered to, Bcc included. */
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** The Message-ID header as sent (`<id@domain>`). */
  messageId?: string;
  /** http(s) URLs found in the html hrefs and the text, in that order, without duplicates. */
  links: string[];
  receivedAt: Date;
}

export interface WaitForMessageOptions {
  timeoutMs?: number;
  subject?: RegExp;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`, ready for nodemailer's createTransport. */
  url: string;
  port: number;
  /** Every message received since start or the last `clear()`, oldest first. */
  messages(): ReceivedMail[];
  /** The first message (already received or still to come) to `to` whose subject matches. */
  waitForMessage(to: string, opts?: WaitForMessageOptions): Promise<ReceivedMail>;
  clear(): void;
  close(): Promise<void>;
}

interface Waiter {
  matches(mail: ReceivedMail): boolean;
  resolve(mail: ReceivedMail): void;
}

function firstAddress(header: AddressObject | AddressObject[] | undefined): string | undefined {
  const objects = Array.isArray(header) ? header : header ? [header] : [];
  return objects.flatMap((object) => object.value).find((entry) => entry.address)?.address;
}

/**
 * A real SMTP server that keeps what it receives in memory, parsed. No TLS; AUTH is optional and
 * any credentials pass, so a mailer configured with or without a user both deliver here.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  let received: ReceivedMail[] = [];
  const waiters = new Set<Waiter>();

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    // Reverse DNS of 127.0.0.1 costs ~150 ms per connection and tells a test nothing.
    disableReverseLookup: true,
    // A pooled transport in the code under test keeps connections open; don't let them stall close().
    closeTimeout: 200,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const text = parsed.text ?? '';
          const html = parsed.html || undefined;
          const mail: ReceivedMail = {
            from: firstAddress(parsed.from) ?? (session.envelope.mailFrom || { address: '' }).address,
            to: session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase()),
            subject: parsed.subject ?? '',
            text,
            html,
            messageId: parsed.messageId,
            links: extractLinks(text, html),
            receivedAt: new Date(),
          };
          received.push(mail);
          for (const waiter of waiters) if (waiter.matches(mail)) waiter.resolve(mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors after startup are per-connection (a client hanging up); the sink keeps serving.
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages: () => [...received],
    clear() {
      received = [];
    },
    waitForMessage(to, { timeoutMs = 5_000, subject } = {}) {
      const recipient = to.toLowerCase();
      const matches = (mail: ReceivedMail) =>
        mail.to.includes(recipient) && (!subject || subject.test(mail.subject));
      const already = received.find(matches);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = received.map((mail) => `${mail.to.join(',')}: ${mail.subject}`).join('; ');
          const wanted = subject ? ` with subject ${subject}` : '';
          reject(new Error(`no mail to ${to}${wanted} within ${timeoutMs} ms (received: ${seen || 'none'})`));
        }, timeoutMs);
        const waiter: Waiter = {
          matches,
          resolve(mail) {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(mail);
          },
        };
        waiters.add(waiter);
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
