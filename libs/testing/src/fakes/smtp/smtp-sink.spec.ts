import { createTransport, type Transporter } from 'nodemailer';
import { extractLinks } from './extract-links';
import { startSmtpSink, type SmtpSink } from './smtp-sink';

describe('startSmtpSink', () => {
  let sink: SmtpSink;
  let transport: Transporter;

  beforeAll(async () => {
    sink = await startSmtpSink();
    transport = createTransport(sink.url);
  });

  afterAll(async () => {
    transport.close();
    await sink.close();
  });

  beforeEach(() => sink.clear());

  it('listens on an ephemeral loopback port', () => {
    expect(sink.url).toBe(`smtp://127.0.0.1:${sink.port}`);
    expect(sink.port).toBeGreaterThan(0);
  });

  it('receives a message sent with nodemailer and parses it, with its links', async () => {
    await transport.sendMail({
      from: '"Platform" <no-reply@platform.test>',
      to: 'Alice@Example.test',
      bcc: 'audit@example.test',
      subject: 'Reset your password',
      text: 'Open https://app.test/reset?token=abc&x=1. It expires in an hour.',
      html: '<p><a href="https://app.test/reset?token=abc&amp;x=1">Reset</a> or <a href="mailto:x@y">mail</a></p>',
    });

    const mail = await sink.waitForMessage('alice@example.test');
    expect(mail).toMatchObject({
      from: 'no-reply@platform.test',
      to: ['alice@example.test', 'audit@example.test'],
      subject: 'Reset your password',
      text: 'Open https://app.test/reset?token=abc&x=1. It expires in an hour.',
      links: ['https://app.test/reset?token=abc&x=1'],
    });
    expect(mail.html).toContain('<a href=');
    expect(sink.messages()).toHaveLength(1);
  });

  it('waits for a message still to come, filtered by subject', async () => {
    const waiting = sink.waitForMessage('bob@example.test', { subject: /invitation/i });
    await transport.sendMail({ from: 'a@x.test', to: 'bob@example.test', subject: 'Welcome', text: 'hi' });
    await transport.sendMail({
      from: 'a@x.test',
      to: 'bob@example.test',
      subject: 'Your invitation',
      text: 'Join at https://app.test/invite/1',
    });

    const mail = await waiting;
    expect(mail.subject).toBe('Your invitation');
    expect(mail.html).toBeUndefined();
    expect(mail.links).toEqual(['https://app.test/invite/1']);
  });

  it('accepts a transport configured with credentials', async () => {
    const withAuth = createTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      auth: { user: 'mailer', pass: 'secret' },
    });
    try {
      await withAuth.sendMail({ from: 'a@x.test', to: 'carol@example.test', subject: 'Auth', text: 'ok' });
    } finally {
      withAuth.close();
    }
    await expect(sink.waitForMessage('carol@example.test')).resolves.toMatchObject({ subject: 'Auth' });
  });

  it('rejects with what it did receive when no matching mail arrives in time', async () => {
    await transport.sendMail({ from: 'a@x.test', to: 'dave@example.test', subject: 'Other', text: '' });
    await expect(sink.waitForMessage('erin@example.test', { timeoutMs: 100 })).rejects.toThrow(
      /no mail to erin@example.test within 100 ms \(received: dave@example.test: Other\)/,
    );
  });

  it('clears what it holds', async () => {
    await transport.sendMail({ from: 'a@x.test', to: 'f@example.test', subject: 'S', text: '' });
    await sink.waitForMessage('f@example.test');
    sink.clear();
    expect(sink.messages()).toEqual([]);
  });
});

describe('extractLinks', () => {
  it('decodes html entities, trims sentence punctuation and drops duplicates', () => {
    expect(
      extractLinks(
        'See (https://a.test/x?y=1), then https://b.test.',
        "<a href='https://a.test/x?y=1'>x</a>",
      ),
    ).toEqual(['https://a.test/x?y=1', 'https://b.test']);
  });
});
