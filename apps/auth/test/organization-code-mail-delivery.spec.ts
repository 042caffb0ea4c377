import { randomUUID } from 'node:crypto';
import { EVENT_NAMES } from '@platform/contracts';
import { EventPublisher } from '@platform/messaging';
import { startFaultProxy, startSmtpSink, waitFor, type FaultProxy, type SmtpSink } from '@platform/testing';
import { OrganizationCodeMails } from '../src/organization-codes/organization-code-mails';
import { AuthTestApp } from './support/auth-test-app';

interface MailRow {
  attempts: number;
  sealed_code: string | null;
  sent_at: Date | null;
  gave_up_at: Date | null;
  last_error: string | null;
}

/**
 * The organization code reaches its owners even when the SMTP server is down when it is issued:
 * the email is queued with the code (sealed) in the issuing transaction and retried with backoff
 * until the server accepts it — then the sealed code is erased — or until the attempts run out.
 * The SMTP server sits behind a TCP proxy the tests cut.
 */
describe('auth: organization-code emails are delivered durably', () => {
  let auth: AuthTestApp;
  let sink: SmtpSink;
  let smtp: FaultProxy;

  beforeAll(async () => {
    sink = await startSmtpSink();
    smtp = await startFaultProxy('127.0.0.1', sink.port);
    auth = await AuthTestApp.start({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      ORGANIZATION_CODE_MAIL_POLL_MS: '100',
      // Retries 300 ms, 600 ms, 1.2 s apart; the fourth refusal gives up.
      ORGANIZATION_CODE_MAIL_RETRY_BASE_MS: '300',
      ORGANIZATION_CODE_MAIL_MAX_ATTEMPTS: '4',
    });
  }, 60_000);
  afterAll(async () => {
    await auth?.stop();
    await smtp?.close();
    await sink?.close();
  });

  const activate = async (organizationId: string) =>
    auth.service.app
      .get(EventPublisher)
      .publish(
        EVENT_NAMES.subscriptionActivated,
        { organizationId, plan: 'PROFESSIONAL' },
        { id: randomUUID() },
      );
  const mailRows = (organizationId: string): Promise<MailRow[]> =>
    auth.dataSource.query(
      `SELECT attempts, sealed_code, sent_at, gave_up_at, last_error FROM organization_code_mails
        WHERE organization_id = $1`,
      [organizationId],
    );
  const codeMailsTo = (email: string) =>
    sink.messages().filter((m) => m.to.includes(email) && /organization code/i.test(m.subject));

  it('refused while SMTP is down, sent once it is back, exactly once; the sealed code is then erased', async () => {
    const owner = await auth.register({ organizationName: 'Durable Mail Co' });
    await smtp.cut();
    await activate(owner.organizationId);
    await waitFor('a refused attempt', async () => (await mailRows(owner.organizationId))[0]?.attempts === 1);
    const [pending] = await mailRows(owner.organizationId);
    expect(pending).toMatchObject({ sent_at: null, gave_up_at: null, last_error: expect.any(String) });
    // Sealed for this row (AES-GCM), never the clear 10-character code.
    expect(pending!.sealed_code).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(codeMailsTo(owner.email)).toEqual([]);

    await smtp.restore();
    const mail = await sink.waitForMessage(owner.email, { subject: /organization code/i, timeoutMs: 5_000 });
    const code = /organization code is: ([A-HJ-NP-Z2-9]{10})/.exec(mail.text)?.[1];
    expect(mail.text).toContain('PROFESSIONAL subscription of Durable Mail Co');
    const resolved = await auth.call('auth.organization-code.resolve', { code: code! });
    expect(resolved.principal).toMatchObject({ organizationId: owner.organizationId, plan: 'PROFESSIONAL' });

    await waitFor(
      'recorded as sent',
      async () => (await mailRows(owner.organizationId))[0]?.sent_at !== null,
    );
    expect(await mailRows(owner.organizationId)).toEqual([
      { attempts: 2, sealed_code: null, sent_at: expect.any(Date), gave_up_at: null, last_error: null },
    ]);
    // Later passes send nothing more.
    await auth.service.app.get(OrganizationCodeMails).deliverDue();
    expect(codeMailsTo(owner.email)).toHaveLength(1);
  });

  it('gives up after the last attempt and erases the sealed code', async () => {
    const owner = await auth.register({ organizationName: 'Never Reached Ltd' });
    await smtp.cut();
    try {
      await activate(owner.organizationId);
      await waitFor('given up', async () => (await mailRows(owner.organizationId))[0]?.gave_up_at != null, {
        timeoutMs: 15_000,
      });
      expect(await mailRows(owner.organizationId)).toEqual([
        {
          attempts: 4,
          sealed_code: null,
          sent_at: null,
          gave_up_at: expect.any(Date),
          last_error: expect.any(String),
        },
      ]);
    } finally {
      await smtp.restore();
    }
    expect(codeMailsTo(owner.email)).toEqual([]);
  });
});
