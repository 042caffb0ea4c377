import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@platform/bootstrap';
import { processTenantEventOnce, TenantDatabase } from '@platform/tenancy';
import { ObjectRepository } from '../object/object.repository';
import { ObjectService } from '../object/object.service';
import { UploadLock } from '../uploads/upload-lock';

export interface RecordingDeleted {
  eventId: string;
  organizationId: string;
  recordingId: string;
}

/**
 * A deleted recording's object: its bytes go (staged, stored, S3 multipart) and its row becomes a
 * tombstone (status `deleted`), so its signed links answer 410 and its quota is free.
 *
 * Order, for at-least-once delivery: in ONE tenant transaction, record the event id, mark the row,
 * write `storage.object.deleted` (outbox: metering frees the bytes), remove the bytes, then commit. A removal that fails throws and rolls everything back (ledger
 * included), so the consumer's retry with backoff tries again; removal is idempotent, so a commit
 * that fails after the bytes went is simply redone. Under the upload's Redis lock: an upload still
 * streaming into the object answers its client first (a busy lock is a retry, not a loss).
 */
@Injectable()
export class RecordingDeletionService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly objects: ObjectRepository,
    private readonly objectService: ObjectService,
    private readonly lock: UploadLock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async deleteObjectOf(event: RecordingDeleted): Promise<void> {
    // Found in the event's tenant only (RLS): an event naming another organization's recording finds nothing.
    const target = await this.tenants.runInTenant(event.organizationId, () =>
      this.objects.findByRecording(event.recordingId),
    );
    const work = () =>
      processTenantEventOnce(
        this.tenants,
        'storage.recording-deleted',
        event.eventId,
        event.organizationId,
        async () => {
          const row = await this.objects.lockByRecording(event.recordingId);
          if (!row || row.status === 'deleted') return;
          await this.objects.update(row.id, { status: 'deleted', deletedAt: new Date() });
          await this.objectService.announceDeleted(row);
          await this.objectService.removeBytes(row);
          this.logger.info(
            { objectId: row.id, recordingId: event.recordingId },
            'storage: object of a deleted recording removed',
          );
        },
      );
    await (target ? this.lock.withLock(target.id, work) : work());
  }
}
