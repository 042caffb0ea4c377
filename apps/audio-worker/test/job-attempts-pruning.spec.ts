import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { loadConfig } from '@platform/config';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import { audioWorkerEnvSchema } from '../src/config/audio-worker-env.schema';
import { JobAttempts } from '../src/jobs/job-attempts';
import { JobAttemptsPruner } from '../src/jobs/job-attempts.pruner';
import { audioWorkerMigrations } from '../src/migrations';

const DAY_MS = 24 * 60 * 60_000;
const NOW = new Date('2026-11-29T12:00:00Z');

/** job_attempts on real PostgreSQL (the worker's migrations): counts are kept, then pruned by age. */
describe('audio worker: job attempt counts are pruned once their job can no longer come back', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let attempts: JobAttempts;

  beforeAll(async () => {
    database = await createTestDatabase('audio_worker_prune');
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: audioWorkerMigrations,
    }).initialize();
    await dataSource.runMigrations();
    attempts = new JobAttempts(dataSource);
  }, 60_000);
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });
  beforeEach(() => dataSource.query('DELETE FROM job_attempts'));

  const pruner = (env: Record<string, string> = {}) =>
    new JobAttemptsPruner(
      attempts,
      loadConfig(audioWorkerEnvSchema, { HTTP_PORT: '3106', DATABASE_URL: database.url, ...env }),
      pino({ level: 'silent' }),
    );

  /** A job whose last start was `ageMs` before NOW, started `times` times. */
  async function jobStarted(ageMs: number, times = 1): Promise<string> {
    const jobId = randomUUID();
    for (let i = 0; i < times; i += 1) await attempts.start(jobId, randomUUID());
    await dataSource.query(`UPDATE job_attempts SET last_started_at = $2 WHERE job_id = $1`, [
      jobId,
      new Date(NOW.getTime() - ageMs),
    ]);
    return jobId;
  }
  const remaining = async () =>
    ((await dataSource.query(`SELECT job_id FROM job_attempts`)) as { job_id: string }[])
      .map((row) => row.job_id)
      .sort();

  it('keeps counts younger than the retention (7 days by default) and deletes the older ones', async () => {
    const fresh = await jobStarted(DAY_MS, 3);
    const almost = await jobStarted(7 * DAY_MS - 60_000);
    await jobStarted(7 * DAY_MS + 60_000);
    await jobStarted(30 * DAY_MS, 4);

    expect(await pruner().pruneOnce(NOW)).toBe(2);
    expect(await remaining()).toEqual([fresh, almost].sort());
    // What stays keeps its count: the next start of `fresh` is its 4th.
    expect(await attempts.start(fresh, randomUUID())).toBe(4);
  });

  it('a pruned job that comes back starts counting again; a kept one does not', async () => {
    const old = await jobStarted(8 * DAY_MS, 2);
    await pruner().pruneOnce(NOW);
    expect(await attempts.start(old, randomUUID())).toBe(1);
  });

  it('deletes in batches until nothing old is left (more rows than one batch)', async () => {
    await dataSource.query(
      `INSERT INTO job_attempts (job_id, recording_id, attempts, last_started_at)
       SELECT gen_random_uuid(), gen_random_uuid(), 1, $1::timestamptz FROM generate_series(1, 2500)`,
      [new Date(NOW.getTime() - 10 * DAY_MS)],
    );
    const kept = await jobStarted(0);
    expect(await attempts.prune(new Date(NOW.getTime() - DAY_MS), 1000)).toBe(2500);
    expect(await remaining()).toEqual([kept]);
  });

  it('honours a configured retention', async () => {
    const kept = await jobStarted(2 * 60 * 60_000 - 60_000);
    await jobStarted(2 * 60 * 60_000 + 60_000);
    // 2 h retention fits a job of 2 attempts × (10 min timeout + 5 min longest retry delay) = 30 min.
    const configured = pruner({
      AUDIO_JOB_ATTEMPTS_RETENTION_MS: String(2 * 60 * 60_000),
      AUDIO_JOB_MAX_ATTEMPTS: '2',
      AUDIO_JOB_TIMEOUT_MS: String(10 * 60_000),
    });
    expect(await configured.pruneOnce(NOW)).toBe(1);
    expect(await remaining()).toEqual([kept]);
  });
});
