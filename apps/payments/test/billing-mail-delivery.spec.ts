import { randomUUID } from 'node:crypto';
import type { BillingNotice } from '@platform/contracts';
import { TenantDatabase } from '@platform/tenancy';
import { startFaultProxy, startSmtpSink, waitFor, type FaultProxy, type SmtpSink } from '@platform/testing';
import type { INestApplication } from '@nestjs/common';
import { BILLING_MAIL_QUEUE } from '../src/mail/billing-mail.consumer';
import { BillingNotices } from '../src/mail/billing-notices';
import { startPaymentsTestApp, type PaymentsTestApp } from './support/payments-test-app';

const SUSPENDED: BillingNotice = { kind: 'suspended', plan: 'STARTER' };
/** MAIL_RETRY_BASE_MS below: the first retry waits here for a second (long enough to observe). */
const FIRST_RETRY_QUEUE = `${BILLING_MAIL_QUEUE}.retry.1000ms`;
const DEAD_LETTER_QUEUE = `${BILLING_MAIL_QUEUE}.dlq`;

/**
 * Billing emails are durable: queued through the outbox in the transaction that decides them and
 * sent by payments' consumer against a real SMTP server (the sink), behind a TCP proxy the tests cut
 * to take the server down. Real PostgreSQL and RabbitMQ; one send at a time so order is observable.
 */
describe('payments: billing emails are sent once, after the commit, whatever fails in between', () => {
  let app: PaymentsTestApp;
  let sink: SmtpSink;
  let smtp: FaultProxy;
  let running: INestApplication;

  beforeAll(async () => {
    sink = await startSmtpSink();
    smtp = await startFaultProxy('127.0.0.1', sink.port);
    app = await startPaymentsTestApp({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      MAIL_RETRY_BASE_MS: '1000',
      MAIL_MAX_ATTEMPTS: '3',
      MAIL_CONCURRENCY: '1',
    });
    running = app.bed.service.app;
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
    await sink?.close();
  });

  const setBillingEmail = (
    manager: { query(sql: string, parameters: unknown[]): Promise<unknown> },
    organizationId: string,
    to: string,
  ) =>
    manager.query(
      `INSERT INTO subscriptions (organization_id, plan, status, billing_email) VALUES ($1, 'FREE', 'TRIAL', $2)
       ON CONFLICT (organization_id) DO UPDATE SET billing_email = EXCLUDED.billing_email`,
      [organizationId, to],
    );
  const recipient = (label: string) => `billing-${label}-${randomUUID().slice(0, 8)}@example.test`;
  const mailsTo = (to: string) => sink.messages().filter((mail) => mail.to.includes(to));
  const ledger = async (organizationId: string): Promise<{ mail_key: string; kind: string }[]> =>
    app.bed.admin.query(
      `SELECT mail_key, kind FROM sent_billing_mails WHERE organization_id = $1 ORDER BY sent_at`,
      [organizationId],
    );
  /**
   * Queues one notice in a tenant transaction of the running process, as the jobs do, for an
   * organization whose billing address on file is `to`.
   */
  const queue = (organizationId: string, cause: string, to: string, notice: BillingNotice = SUSPENDED) =>
    running.get(TenantDatabase).runInTenant(organizationId, async (manager) => {
      await setBillingEmail(manager, organizationId, to);
      await running.get(BillingNotices).queue(manager, organizationId, cause, [{ to, notice }]);
    });
  /** A notice queued after `what` and received: the consumer (one at a time, in order) is past `what`. */
  const sentinelAfter = async (what: string) => {
    const org = randomUUID();
    const to = recipient(`sentinel-${what}`);
    await queue(org, `sentinel:${what}`, to);
    await sink.waitForMessage(to, { timeoutMs: 10_000 });
  };

  it('a committed notice is mailed once, after the commit, with a Message-ID derived from its key', async () => {
    const org = randomUUID();
    const to = recipient('committed');
    await queue(org, 'dunning:2026-01-01T00:00:00.000Z', to, {
      kind: 'retry-failed',
      plan: 'PROFESSIONAL',
      attempt: 2,
      nextRetryAt: new Date('2026-01-04T00:00:00.000Z'),
    });

    const mail = await sink.waitForMessage(to, { timeoutMs: 10_000 });
    expect(mail.from).toBe('billing@platform.test');
    expect(mail.subject).toBe('Payment retry 2 failed');
    expect(mail.text.trim()).toBe(
      'Retry 2 of the payment for your PROFESSIONAL plan failed. Next attempt: 2026-01-04.',
    );
    expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@billing\.platform>$/);
    // The ledger row commits only once SMTP accepted the mail, so after the sink saw it: read it once
    // a later notice went through (one send at a time, MAIL_CONCURRENCY=1).
    await sentinelAfter('committed');
    expect(await ledger(org)).toEqual([
      { mail_key: 'dunning:2026-01-01T00:00:00.000Z:0:retry-failed', kind: 'retry-failed' },
    ]);
    expect(mailsTo(to)).toHaveLength(1);
  });

  it('the ledger is tenant data: another organization sees none of it (forced RLS)', async () => {
    const org = randomUUID();
    await queue(org, 'rls', recipient('rls'));
    await waitFor('the notice sent', async () => (await ledger(org)).length === 1);
    const tenants = running.get(TenantDatabase);
    const seen = (tenant: string) =>
      tenants.runInTenant(tenant, (manager) =>
        manager.query(`SELECT mail_key FROM sent_billing_mails WHERE organization_id = $1`, [org]),
      );
    expect(await seen(org)).toEqual([{ mail_key: 'rls:0:suspended' }]);
    expect(await seen(randomUUID())).toEqual([]);
  });

  it('a rolled-back transaction sends nothing', async () => {
    const org = randomUUID();
    const to = recipient('rolled-back');
    await expect(
      running.get(TenantDatabase).runInTenant(org, async (manager) => {
        await running.get(BillingNotices).queue(manager, org, 'rolled-back', [{ to, notice: SUSPENDED }]);
        throw new Error('the state change failed after the notice was queued');
      }),
    ).rejects.toThrow('the state change failed');

    await sentinelAfter('rolled-back');
    expect(mailsTo(to)).toEqual([]);
    expect(await ledger(org)).toEqual([]);
    expect(await app.outboxEvents('payments.billing-notice.requested', org)).toEqual([]);
  });

  it('a notice delivered twice (outbox re-publish) or queued twice under one key is mailed once', async () => {
    const org = randomUUID();
    const to = recipient('twice');
    await queue(org, 'webhook:inbox-1', to);
    await sink.waitForMessage(to, { timeoutMs: 10_000 });
    // As a crash between the publish and its mark leaves it: the relay publishes the row again.
    await app.bed.admin.query(
      `UPDATE outbox_events SET published_at = NULL
        WHERE routing_key = 'payments.billing-notice.requested' AND payload->>'organizationId' = $1`,
      [org],
    );
    // The same decision queued again in another transaction: same mail key.
    await queue(org, 'webhook:inbox-1', to);

    await sentinelAfter('twice');
    expect(mailsTo(to)).toHaveLength(1);
    expect(await ledger(org)).toEqual([{ mail_key: 'webhook:inbox-1:0:suspended', kind: 'suspended' }]);
  });

  it('carries no address through the broker: the address on file when it is sent gets it', async () => {
    const org = randomUUID();
    const before = recipient('old-address');
    const corrected = recipient('corrected-address');
    await smtp.cut();
    try {
      await queue(org, 'address-change', before);
      await waitFor(
        'the failed send parked for its first retry',
        async () => (await app.bed.vhost.readyCount(FIRST_RETRY_QUEUE)) === 1,
      );
      // The payer corrects the billing address while the mail waits.
      await app.bed.admin.query(`UPDATE subscriptions SET billing_email = $2 WHERE organization_id = $1`, [
        org,
        corrected,
      ]);
    } finally {
      await smtp.restore();
    }
    await sink.waitForMessage(corrected, { timeoutMs: 10_000 });
    await sentinelAfter('address-change');
    expect(mailsTo(before)).toEqual([]);
    expect(mailsTo(corrected)).toHaveLength(1);
    const published = await app.outboxEvents('payments.billing-notice.requested', org);
    expect(published).toEqual([
      { organizationId: org, mailKey: 'address-change:0:suspended', notice: SUSPENDED },
    ]);
  });

  it('SMTP down, then up: the notice waits in the retry queue and is mailed once', async () => {
    const org = randomUUID();
    const to = recipient('smtp-down');
    await smtp.cut();
    try {
      await queue(org, 'smtp-down', to, { kind: 'payment-received', plan: 'STARTER', reactivated: true });
      await waitFor(
        'the failed send parked for its first retry',
        async () => (await app.bed.vhost.readyCount(FIRST_RETRY_QUEUE)) === 1,
      );
      expect(await ledger(org)).toEqual([]);
    } finally {
      await smtp.restore();
    }

    const mail = await sink.waitForMessage(to, { timeoutMs: 10_000 });
    expect(mail.subject).toBe('Payment received: your organization is active again');
    await sentinelAfter('smtp-down');
    expect(mailsTo(to)).toHaveLength(1);
    expect(await ledger(org)).toEqual([
      { mail_key: 'smtp-down:0:payment-received', kind: 'payment-received' },
    ]);
  });

  it('SMTP down for longer than MAIL_MAX_ATTEMPTS allow: the notice is parked in the dead-letter queue', async () => {
    const org = randomUUID();
    const to = recipient('dead');
    const before = await app.bed.vhost.readyCount(DEAD_LETTER_QUEUE);
    await smtp.cut();
    try {
      await queue(org, 'dead', to);
      // Three attempts, one and two seconds apart.
      await waitFor(
        'the notice dead-lettered',
        async () => (await app.bed.vhost.readyCount(DEAD_LETTER_QUEUE)) === before + 1,
        { timeoutMs: 15_000 },
      );
    } finally {
      await smtp.restore();
    }
    await sentinelAfter('dead');
    expect(mailsTo(to)).toEqual([]);
    expect(await ledger(org)).toEqual([]);
  });

  it('the process stops while a notice waits for its retry: the restarted service mails it once', async () => {
    const org = randomUUID();
    const to = recipient('restart');
    await smtp.cut();
    await queue(org, 'restart', to);
    await waitFor(
      'the failed send parked for its first retry',
      async () => (await app.bed.vhost.readyCount(FIRST_RETRY_QUEUE)) === 1,
    );
    await running.close();
    await smtp.restore();

    const restarted = await app.bed.startReplica();
    running = restarted.app;
    await sink.waitForMessage(to, { timeoutMs: 10_000 });
    await sentinelAfter('restart');
    expect(mailsTo(to)).toHaveLength(1);
    expect(await ledger(org)).toEqual([{ mail_key: 'restart:0:suspended', kind: 'suspended' }]);
  });
});
