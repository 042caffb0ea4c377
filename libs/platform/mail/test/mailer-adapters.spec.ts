import { startFaultProxy, startSmtpSink, type SmtpSink } from '@platform/testing';
import { createMailer, LogMailer, SmtpMailer } from '../src';

describe('@platform/mail adapters', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());
  beforeEach(() => sink.clear());

  it('SMTP: delivers text, html and the given Message-ID from MAIL_FROM', async () => {
    const mailer = new SmtpMailer(sink.url, 'Platform <no-reply@platform.test>');
    await mailer.send({
      to: 'Someone@Example.test',
      subject: 'Hello',
      text: 'plain body',
      html: '<p>html body</p>',
      messageId: '<notice-1@payments.platform.test>',
    });
    mailer.onApplicationShutdown();
    expect(sink.messages()).toEqual([
      expect.objectContaining({
        from: 'no-reply@platform.test',
        to: ['someone@example.test'],
        subject: 'Hello',
        text: 'plain body',
        html: '<p>html body</p>',
        messageId: '<notice-1@payments.platform.test>',
      }),
    ]);
  });

  it('SMTP: rejects when the server is down (callers decide whether to retry)', async () => {
    const down = await startFaultProxy('127.0.0.1', sink.port);
    await down.cut(); // the port now refuses connections
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${down.port}`, 'x@platform.test');
    try {
      await expect(mailer.send({ to: 'a@example.test', subject: 's', text: 't' })).rejects.toThrow(
        /ECONNREFUSED/,
      );
      expect(sink.messages()).toEqual([]);
    } finally {
      mailer.onApplicationShutdown();
      await down.close();
    }
  });

  it('createMailer: SMTP with SMTP_URL, else the log adapter with a warning', async () => {
    const lines: { level: string; args: unknown[] }[] = [];
    const logger = {
      info: (...args: unknown[]) => lines.push({ level: 'info', args }),
      warn: (...args: unknown[]) => lines.push({ level: 'warn', args }),
    };
    const smtp = createMailer({ SMTP_URL: sink.url, MAIL_FROM: 'a@platform.test' }, logger as never);
    expect(smtp).toBeInstanceOf(SmtpMailer);
    (smtp as SmtpMailer).onApplicationShutdown();
    expect(lines).toEqual([]);

    const log = createMailer({ MAIL_FROM: 'a@platform.test' }, logger as never);
    expect(log).toBeInstanceOf(LogMailer);
    await log.send({ to: 'b@example.test', subject: 'Reset', text: 'open https://app.test/r?token=1' });
    expect(lines).toEqual([
      {
        level: 'warn',
        args: ['SMTP_URL is unset: emails are written to the log (development only)'],
      },
      {
        level: 'info',
        args: [
          { mail: { to: 'b@example.test', subject: 'Reset', text: 'open https://app.test/r?token=1' } },
          'mail (log adapter)',
        ],
      },
    ]);
    expect(sink.messages()).toEqual([]);
  });
});
