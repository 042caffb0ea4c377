import type { DataSource } from 'typeorm';
import { outboxRelayedTotal } from '@platform/observability';
import type { MessagingLogger } from '../amqp/messaging-logger';
import type { EventPublisher } from '../events/event-publisher';

export interface OutboxRelayOptions {
  pollIntervalMs: number;
  batchSize?: number;
  /** Published rows older than this are deleted. */
  retentionMs?: number;
}

interface OutboxRow {
  id: string;
  routing_key: string;
  payload: unknown;
  headers: Record<string, string>;
  occurred_at: Date;
}

/**
 * Moves committed outbox rows to RabbitMQ. Rows are claimed with FOR UPDATE SKIP LOCKED (several
 * replicas share the work), published with confirms, then marked in the same transaction. A crash
 * after publishing but before the mark commits re-publishes the row later under the same event id:
 * delivery is at-least-once and consumers dedup on the id.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeRequested = false;
  private lastCleanup = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly logger: MessagingLogger,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Relay now (called after a commit that wrote to the outbox). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Publishes one batch; returns how many rows were relayed. */
  async relayBatch(): Promise<number> {
    const batchSize = this.options.batchSize ?? 100;
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, routing_key, payload, headers, occurred_at FROM outbox_events
          WHERE published_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      const published: string[] = [];
      for (const row of rows) {
        try {
          await this.publisher.publish(row.routing_key, row.payload, {
            id: row.id,
            occurredAt: new Date(row.occurred_at),
            headers: row.headers,
          });
          published.push(row.id);
        } catch (error) {
          await manager.query(
            `UPDATE outbox_events SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
            [row.id, String((error as Error).message).slice(0, 1000)],
          );
          this.logger.warn({ err: error, eventId: row.id }, 'outbox publish failed; will retry');
          break; // keep order: later rows wait for this one
        }
      }
      if (published.length > 0) {
        await manager.query(`UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::uuid[])`, [
          published,
        ]);
        outboxRelayedTotal.inc(published.length);
      }
      return published.length;
    });
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let relayed = 0;
    try {
      relayed = await this.relayBatch();
      await this.cleanup();
    } catch (error) {
      this.logger.error({ err: error }, 'outbox relay failed');
    }
    if (this.stopped) return;
    const more = relayed >= (this.options.batchSize ?? 100) || this.wakeRequested;
    this.wakeRequested = false;
    this.schedule(more ? 0 : this.options.pollIntervalMs);
  }

  private async cleanup(): Promise<void> {
    const retentionMs = this.options.retentionMs ?? 7 * 24 * 3600_000;
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(
      `DELETE FROM outbox_events WHERE published_at < now() - ($1::bigint * interval '1 millisecond')`,
      [retentionMs],
    );
  }
}
