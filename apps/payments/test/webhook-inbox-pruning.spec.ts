import { randomUUID } from 'node:crypto';
import { waitFor } from '@platform/testing';
import { startPaymentsTestApp, type PaymentsTestApp } from './support/payments-test-app';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Applied webhook inbox events are deleted WEBHOOK_INBOX_RETENTION_DAYS after they were applied, by
 * the service's periodic pruning (every 50 ms here) on the service's controllable clock; events never
 * applied are kept whatever their age.
 */
describe('payments: pruning of the webhook inbox', () => {
  let app: PaymentsTestApp;

  beforeAll(async () => {
    app = await startPaymentsTestApp({
      WEBHOOK_INBOX_RETENTION_DAYS: '30',
      WEBHOOK_INBOX_PRUNE_INTERVAL_MS: '50',
    });
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  const daysAgo = (days: number) => new Date(app.clock.now().getTime() - days * DAY_MS);
  /** An inbox row as the processor leaves it: applied at `processedAt`, or parked after 10 attempts. */
  const stored = async (label: string, processedAt: Date | null): Promise<string> => {
    const receivedAt = processedAt ?? daysAgo(90);
    await app.bed.admin.query(
      `INSERT INTO webhook_inbox (provider, provider_event_id, type, payload, provider_created_at,
                                  received_at, next_attempt_at, attempts, last_error, processed_at)
       VALUES ('stripe', $1, 'invoice.paid', '{}', $2, $2, $2, $3, $4, $5)`,
      [
        `evt_${label}_${randomUUID()}`,
        receivedAt,
        processedAt ? 0 : 10,
        processedAt ? null : 'parked for an operator',
        processedAt,
      ],
    );
    return label;
  };
  const remaining = async (): Promise<string[]> =>
    (
      (await app.bed.admin.query(
        `SELECT split_part(provider_event_id, '_', 2) AS label FROM webhook_inbox ORDER BY label`,
      )) as { label: string }[]
    ).map((row) => row.label);

  it('deletes applied events past the retention, keeps newer ones and the never-applied', async () => {
    await stored('old', daysAgo(31));
    await stored('recent', daysAgo(29));
    await stored('parked', null);

    await waitFor('the old applied event pruned', async () => !(await remaining()).includes('old'));
    expect(await remaining()).toEqual(['parked', 'recent']);
  });

  it('as the clock moves on, the next pass deletes what has aged past the retention', async () => {
    app.clock.advanceDays(2);

    await waitFor('the recent event pruned', async () => !(await remaining()).includes('recent'));
    expect(await remaining()).toEqual(['parked']);
  });
});
