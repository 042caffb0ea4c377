import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * A durable count of the times each job was started.
 *
 * Why not the message's own count: our retry path carries `x-attempts` only when a handler FAILS
 * (the consumer re-publishes with the header). A job that kills the worker process never gets
 * there: the broker redelivers the unacked message unchanged, so it would look like attempt 1
 * forever and a poison file would crash-loop every worker. Why not the quorum queue's
 * `x-delivery-limit`: the job queue is already declared without it (queue arguments cannot change
 * in place; a policy would be an operator step), the broker would drop or dead-letter the job
 * silently (no `audio-worker.analysis.failed`, so the recording would stay PROCESSING), and how
 * RabbitMQ counts deliveries (`x-delivery-count` vs 4.x's acquired count) differs between versions.
 *
 * So: one autocommitted UPSERT before any work, keyed by the job's event id (the same on a crash
 * redelivery and on our delay-queue retries, which re-publish the message unchanged). It counts
 * every start — failures, timeouts and crashes alike — and the count is the attempt number.
 */
@Injectable()
export class JobAttempts {
  constructor(private readonly dataSource: DataSource) {}

  /** Records one more start of `jobId`; resolves with this start's number (1 the first time). */
  async start(jobId: string, recordingId: string): Promise<number> {
    const rows: { attempts: number }[] = await this.dataSource.query(
      `INSERT INTO job_attempts (job_id, recording_id, attempts) VALUES ($1, $2, 1)
       ON CONFLICT (job_id) DO UPDATE
         SET attempts = job_attempts.attempts + 1, last_started_at = now()
       RETURNING attempts`,
      [jobId, recordingId],
    );
    return rows[0]!.attempts;
  }

  /**
   * Deletes the counts of jobs last started before `startedBefore`, `batchSize` rows per statement
   * (short statements: no long lock on a busy table); resolves with how many went.
   */
  async prune(startedBefore: Date, batchSize = 1000): Promise<number> {
    let removed = 0;
    for (;;) {
      const [, count]: [unknown, number] = await this.dataSource.query(
        `DELETE FROM job_attempts WHERE job_id IN (
           SELECT job_id FROM job_attempts WHERE last_started_at < $1 LIMIT $2
         )`,
        [startedBefore, batchSize],
      );
      removed += count;
      if (count < batchSize) return removed;
    }
  }
}
