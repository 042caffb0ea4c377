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
import {
  AmqpConnection,
  ATTEMPTS_HEADER,
  EventConsumer,
  EventPublisher,
  PoisonMessageError,
} from '@platform/messaging';
import { AudioJobError } from '../analysis/audio-errors';
import type { AudioWorkerEnv } from '../config/audio-worker-env.schema';
import { AnalysisJobRunner, type AnalysisJob } from './analysis-job.runner';

/** The worker's own durable queue: a quorum queue bound to `recordings.analysis.requested`. */
export const AUDIO_JOB_QUEUE = `audio-worker.${EVENT_NAMES.analysisRequested}`;

const READY_TIMEOUT_MS = 30_000;

/**
 * Consumes analysis jobs with the platform's event consumer: manual acks (a worker that dies mid-job
 * never acked it, so the broker hands the job to another), prefetch = AUDIO_JOB_CONCURRENCY (bounded
 * concurrency), retries with exponential backoff through delay queues, then the DLQ. Each job runs
 * under AUDIO_JOB_TIMEOUT_MS. Outcomes: the analysis is published; a permanent failure (not audio) is
 * published as failed and parked in the DLQ at once; a transient one is retried, and published as
 * failed only when its last attempt fails too.
 */
@Injectable()
export class AudioJobConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: EventConsumer<AnalysisJob> | undefined;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly publisher: EventPublisher,
    private readonly runner: AnalysisJobRunner,
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
    const attempt = Number(message.properties.headers?.[ATTEMPTS_HEADER] ?? 0) + 1;
    const log = this.logger.child({ recordingId: job.recordingId, jobId: event.id, attempt });
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
      const last = failure.permanent || attempt >= this.config.AUDIO_JOB_MAX_ATTEMPTS;
      log.warn({ err: error, code: failure.code, last }, 'analysis attempt failed');
      if (!last) throw failure;
      await this.publisher.publishEvent(EVENT_NAMES.analysisFailed, {
        organizationId: job.organizationId,
        recordingId: job.recordingId,
        code: failure.code,
        reason: failure.message.slice(0, 1000) || failure.code,
        attempts: attempt,
      });
      // Poison goes to the DLQ without more attempts; an exhausted one gets there by its count.
      throw failure.permanent ? new PoisonMessageError(`${failure.code}: ${failure.message}`) : failure;
    }
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
