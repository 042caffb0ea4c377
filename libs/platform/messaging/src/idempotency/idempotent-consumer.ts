import type { DataSource, EntityManager } from 'typeorm';

export type ProcessOutcome = 'processed' | 'duplicate';

/**
 * Claims (consumer, event id) in the processed-events ledger inside the caller's transaction: true
 * the first time, false for a duplicate. Call it in the same transaction as the handler's writes (a
 * tenant transaction under row-level security, where `processOnce`'s plain one would not do), so the
 * claim and the work commit together or not at all.
 */
export async function claimEvent(
  manager: EntityManager,
  consumer: string,
  eventId: string,
): Promise<boolean> {
  const inserted: unknown[] = await manager.query(
    `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, eventId],
  );
  return inserted.length > 0;
}

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
    if (!(await claimEvent(manager, consumer, eventId))) return 'duplicate';
    await work(manager);
    return 'processed';
  });
}
