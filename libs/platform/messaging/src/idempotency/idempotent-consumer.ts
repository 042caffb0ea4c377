import type { DataSource, EntityManager } from 'typeorm';

export type ProcessOutcome = 'processed' | 'duplicate';

/**
 * Runs `work` at most once per (consumer, event id): the ledger row and the handler's own writes
 * commit together, so a redelivered or re-published event is a no-op. A concurrent duplicate blocks
 * on the primary key until the first commits, then sees the conflict.
 */
export async function processOnce(
  dataSource: DataSource,
  consumer: string,
  eventId: string,
  work: (manager: EntityManager) => Promise<void>,
): Promise<ProcessOutcome> {
  return dataSource.transaction(async (manager) => {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, eventId],
    );
    if (inserted.length === 0) return 'duplicate';
    await work(manager);
    return 'processed';
  });
}
