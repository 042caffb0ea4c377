import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { EVENT_NAMES, eventPayloadSchemas, type EventEnvelope } from '@platform/contracts';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { AmqpConnection, EventConsumer, EventPublisher, PoisonMessageError } from '@platform/messaging';
import { AudioJobError } from '../analysis/audio-errors';
import type { AudioWorkerEnv } from '../config/audio-worker-env.schema';
import { AnalysisJobRunner, type AnalysisJob } from './analysis-job.runner';
import { JobAttempts } from './job-attempts';

/** The worker's own durable queue: a quorum queue bound to `recordings.analysis.requested`. */
export const AUDIO_JOB_QUEUE = `audio-worker.${EVENT_NAMES.analysisRequested}`;

const READY_TIMEOUT_MS = 30_000;

/**
 * Consumes analysis jobs with the platform's event consumer: manual acks (a worker that dies mid-job
 * never acked it, so the broker hands the job to another), prefetch = AUDIO_JOB_CONCURRENCY (bounded
 * concurrency), retries with exponential backoff through delay queues, then the DLQ. Each job runs
 * under AUDIO_JOB_TIMEOUT_MS. Outcomes: the analysis is published; a permanent failure (not audio) is
 * published as failed and parked in the DLQ at once; a transient one is retried, and published as
 * failed only when its last attempt fails too. Attempts are counted durably BEFORE each start
 * (JobAttempts), so a job that kills its worker counts too: past AUDIO_JOB_MAX_ATTEMPTS starts it
 * is failed with WORKER_CRASHED and parked in the DLQ instead of being started again.
 */
@Injectable()
export class AudioJobConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: EventConsumer<AnalysisJob> | undefined;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly publisher: EventPublisher,
    private readonly runner: AnalysisJobRunner,
    private readonly attempts: JobAttempts,
    @Inject(SERVICE_CONFIG) private readonly config: AudioWorkerEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new EventConsumer<AnalysisJob>(
      this.connection,
      {
        queue: AUDIO_JOB_QUEUE,
        routingKeys: [EVENT_NAMES.analysisRequested],
        schema: eventPayloadSchemas[EVENT_NAMES.analysisRequested],
        maxAttempts: this.config.AUDIO_JOB_MAX_ATTEMPTS,
        retryBaseMs: this.config.AUDIO_JOB_RETRY_BASE_MS,
        prefetch: this.config.AUDIO_JOB_CONCURRENCY,
        handle: (event, message) => this.handle(event, message),
      },
      this.logger,
    );
    await this.consumer.start().waitForChannel(READY_TIMEOUT_MS);
  }

  /** Stops taking jobs and lets the running ones finish (their acks still go out). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  get deadLetterQueue(): string {
    return `${AUDIO_JOB_QUEUE}.dlq`;
  }

  private async handle(event: EventEnvelope<AnalysisJob>, message: ConsumeMessage): Promise<void> {
    const job = event.payload;
    const max = this.config.AUDIO_JOB_MAX_ATTEMPTS;
    // Committed before any work: a crash from here on has already been counted.
    const attempt = await this.attempts.start(event.id, job.recordingId);
    const log = this.logger.child({
      recordingId: job.recordingId,
      jobId: event.id,
      attempt,
      redelivered: message.fields.redelivered,
    });
    if (attempt > max) {
      // Every allowed start ended without a result: the worker died during each (the job itself is
      // the likely cause). Not started again: failed, and parked in the DLQ for an operator.
      await this.fail(job, 'WORKER_CRASHED', `the worker stopped during each of its ${max} attempts`, max);
      log.error('job abandoned: the worker stopped during every attempt');
      throw new PoisonMessageError(`WORKER_CRASHED after ${max} attempts`);
    }
    try {
      const analysis = await this.withTimeout((signal) => this.runner.run(job, signal));
      await this.publisher.publishEvent(EVENT_NAMES.analysisCompleted, {
        organizationId: job.organizationId,
        recordingId: job.recordingId,
        analysis,
      });
      log.info({ processingSeconds: analysis.processingSeconds }, 'analysis completed');
    } catch (error) {
      const failure = asJobError(error);
      const last = failure.permanent || attempt >= max;
      log.warn({ err: error, code: failure.code, last }, 'analysis attempt failed');
      if (!last) throw failure;
      await this.fail(job, failure.code, failure.message.slice(0, 1000) || failure.code, attempt);
      // The last attempt (by the durable count, which may run ahead of the message's own x-attempts
      // after crashes) goes to the DLQ now, never to another retry.
      throw new PoisonMessageError(`${failure.code}: ${failure.message}`);
    }
  }

  private fail(job: AnalysisJob, code: AudioJobError['code'], reason: string, attempts: number) {
    return this.publisher.publishEvent(EVENT_NAMES.analysisFailed, {
      organizationId: job.organizationId,
      recordingId: job.recordingId,
      code,
      reason,
      attempts,
    });
  }

  /** Runs `work` with a signal that aborts after AUDIO_JOB_TIMEOUT_MS (ffmpeg is killed with it). */
  private async withTimeout<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timeoutMs = this.config.AUDIO_JOB_TIMEOUT_MS;
    const timer = setTimeout(
      () =>
        controller.abort(
          new AudioJobError('TIMEOUT', `the analysis took longer than ${timeoutMs} ms`, false),
        ),
      timeoutMs,
    );
    try {
      return await work(controller.signal);
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function asJobError(error: unknown): AudioJobError {
  if (error instanceof AudioJobError) return error;
  return new AudioJobError('INTERNAL', (error as Error)?.message ?? String(error), false);
}
