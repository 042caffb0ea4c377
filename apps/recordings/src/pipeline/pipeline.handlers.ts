import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  audioWorkerContract,
  EVENT_NAMES,
  storageContract,
  type ContractEventPayload,
} from '@platform/contracts';
import { AmqpContext, contractHandlers } from '@platform/messaging';
import { processTenantEventOnce, TenantDatabase } from '@platform/tenancy';
import { RecordingPipelineService } from './recording-pipeline.service';

const Storage = contractHandlers(storageContract);
const AudioWorker = contractHandlers(audioWorkerContract);

type Payloads<
  C extends typeof storageContract | typeof audioWorkerContract,
  E extends keyof C['events'] & string,
> = ContractEventPayload<C, E>;

/**
 * The events that move a recording through its states. Each consumer has its own durable queue
 * (`recordings.<event>`, retries with backoff, DLQ) and runs once per event id in the event's
 * tenant transaction; the state machine's guards make out-of-order reports harmless too.
 */
@Controller()
export class PipelineHandlers {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly pipeline: RecordingPipelineService,
  ) {}

  /** An upload that names no recording is storage's business alone: acked, nothing to do. */
  @Storage.EventPattern(EVENT_NAMES.uploadCompleted)
  async onUploadCompleted(
    @Payload() payload: Payloads<typeof storageContract, 'storage.upload.completed'>,
    @Ctx() ctx: AmqpContext,
  ): Promise<void> {
    const { recordingId, objectId } = payload;
    if (!recordingId) return;
    await processTenantEventOnce(
      this.tenants,
      'recordings.upload-completed',
      ctx.event!.id,
      payload.organizationId,
      (manager) =>
        this.pipeline
          .uploaded(manager, {
            organizationId: payload.organizationId,
            recordingId,
            objectId,
            sizeBytes: payload.sizeBytes,
            contentType: payload.contentType,
          })
          .then(() => undefined),
    );
  }

  @AudioWorker.EventPattern(EVENT_NAMES.analysisProgressed)
  async onProgress(
    @Payload() payload: Payloads<typeof audioWorkerContract, 'audio-worker.analysis.progressed'>,
    @Ctx() ctx: AmqpContext,
  ): Promise<void> {
    await processTenantEventOnce(
      this.tenants,
      'recordings.analysis-progress',
      ctx.event!.id,
      payload.organizationId,
      (manager) => this.pipeline.progressed(manager, payload.recordingId, payload.percent),
    );
  }

  @AudioWorker.EventPattern(EVENT_NAMES.analysisCompleted)
  async onCompleted(
    @Payload() payload: Payloads<typeof audioWorkerContract, 'audio-worker.analysis.completed'>,
    @Ctx() ctx: AmqpContext,
  ): Promise<void> {
    await processTenantEventOnce(
      this.tenants,
      'recordings.analysis-completed',
      ctx.event!.id,
      payload.organizationId,
      (manager) => this.pipeline.completed(manager, payload.recordingId, payload.analysis),
    );
  }

  @AudioWorker.EventPattern(EVENT_NAMES.analysisFailed)
  async onFailed(
    @Payload() payload: Payloads<typeof audioWorkerContract, 'audio-worker.analysis.failed'>,
    @Ctx() ctx: AmqpContext,
  ): Promise<void> {
    await processTenantEventOnce(
      this.tenants,
      'recordings.analysis-failed',
      ctx.event!.id,
      payload.organizationId,
      (manager) => this.pipeline.failed(manager, payload.recordingId, payload.code, payload.reason),
    );
  }
}
