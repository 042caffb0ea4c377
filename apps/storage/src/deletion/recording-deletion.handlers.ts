import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EVENT_NAMES, recordingsContract, type ContractEventPayload } from '@platform/contracts';
import { AmqpContext, contractHandlers } from '@platform/messaging';
import { RecordingDeletionService } from './recording-deletion.service';

const Recordings = contractHandlers(recordingsContract);

/**
 * `recordings.recording.deleted` on storage's own quorum queue (`storage.recordings.recording.deleted`,
 * retries with backoff, DLQ): the recording's object is deleted, once per event id.
 */
@Controller()
export class RecordingDeletionHandlers {
  constructor(private readonly deletion: RecordingDeletionService) {}

  @Recordings.EventPattern(EVENT_NAMES.recordingDeleted)
  async onRecordingDeleted(
    @Payload() payload: ContractEventPayload<typeof recordingsContract, 'recordings.recording.deleted'>,
    @Ctx() ctx: AmqpContext,
  ): Promise<void> {
    await this.deletion.deleteObjectOf({
      eventId: ctx.event!.id,
      organizationId: payload.organizationId,
      recordingId: payload.recordingId,
    });
  }
}
