import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, PeriodicTask, SERVICE_CONFIG } from '@platform/bootstrap';
import type { AudioWorkerEnv } from '../config/audio-worker-env.schema';
import { JobAttempts } from './job-attempts';

/**
 * Keeps job_attempts from growing forever: every AUDIO_JOB_ATTEMPTS_PRUNE_INTERVAL_MS (0 = never),
 * the counts of jobs not started for AUDIO_JOB_ATTEMPTS_RETENTION_MS go. Safe because the schema
 * makes the retention longer than any job can still be in flight (every attempt timing out, each
 * followed by the longest retry delay): a count is only dropped once its job can no longer come
 * back, so a poison job can never restart its count at 1. Several replicas may prune at once: the
 * DELETEs just find less to do. `pruneOnce(now)` takes the clock as an argument (tests pass one).
 */
@Injectable()
export class JobAttemptsPruner extends PeriodicTask {
  constructor(
    private readonly attempts: JobAttempts,
    @Inject(SERVICE_CONFIG) private readonly config: AudioWorkerEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  protected runPass() {
    return this.pruneOnce();
  }

  protected intervalMs() {
    return this.config.AUDIO_JOB_ATTEMPTS_PRUNE_INTERVAL_MS;
  }

  protected passFailed(error: unknown) {
    this.logger.error({ err: error }, 'audio worker: pruning job attempts failed');
  }

  /** Removes the counts older than the retention at `now`; resolves with how many went. */
  async pruneOnce(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.AUDIO_JOB_ATTEMPTS_RETENTION_MS);
    const removed = await this.attempts.prune(cutoff);
    if (removed > 0) this.logger.info({ removed }, 'audio worker: old job attempts pruned');
    return removed;
  }
}
