import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PaymentProviderName } from '@platform/contracts';
import type { VerifiedWebhook } from '../providers/payment-provider.port';
import { WebhookInboxEntity } from './webhook-inbox.entity';

/**
 * The durable inbox of verified webhooks. `accept` is the only thing the HTTP handler does before
 * answering 2xx: one INSERT (its own transaction, committed before the answer), unique by the
 * provider's event id, so a redelivery is recognised and answered without a second row.
 */
@Injectable()
export class WebhookInbox {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** true when stored now; false when this provider event was already in the inbox. */
  async accept(provider: PaymentProviderName, webhook: VerifiedWebhook, receivedAt: Date): Promise<boolean> {
    const inserted: { id: string }[] = await this.dataSource.query(
      `INSERT INTO webhook_inbox (provider, provider_event_id, type, payload, provider_created_at, received_at, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (provider, provider_event_id) DO NOTHING
       RETURNING id`,
      [
        provider,
        webhook.providerEventId,
        webhook.type,
        JSON.stringify(webhook.payload),
        webhook.createdAt,
        receivedAt,
      ],
    );
    return inserted.length === 1;
  }

  /** Ids of events due for processing, oldest provider event first. */
  async due(now: Date, maxAttempts: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM webhook_inbox
        WHERE processed_at IS NULL AND next_attempt_at <= $1 AND attempts < $2
        ORDER BY provider_created_at, received_at LIMIT $3`,
      [now, maxAttempts, limit],
    );
    return rows.map((row) => row.id);
  }

  async read(id: string): Promise<WebhookInboxEntity | null> {
    return this.dataSource.getRepository(WebhookInboxEntity).findOneBy({ id });
  }

  /**
   * Deletes up to `batch` events applied before `processedBefore`; answers how many. Events never
   * applied (pending, or parked after their last attempt) are kept whatever their age: they are
   * work, or an operator's evidence.
   */
  async pruneProcessed(processedBefore: Date, batch: number): Promise<number> {
    const deleted: unknown[] = await this.dataSource.query(
      `DELETE FROM webhook_inbox WHERE id IN (
         SELECT id FROM webhook_inbox WHERE processed_at < $1 ORDER BY processed_at LIMIT $2
       ) RETURNING id`,
      [processedBefore, batch],
    );
    return deleted.length;
  }

  /** A failed attempt: counted, with the error, and put off (exponential, capped at 10 minutes). */
  async recordFailure(id: string, error: unknown, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_inbox
          SET attempts = attempts + 1, last_error = $2,
              next_attempt_at = $3::timestamptz + make_interval(secs => LEAST(600, power(2, attempts)))
        WHERE id = $1 AND processed_at IS NULL`,
      [id, String((error as Error)?.message ?? error).slice(0, 2000), now],
    );
  }
}
