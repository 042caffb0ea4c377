import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@platform/bootstrap';
import { randomUUID } from 'node:crypto';
import { processTenantEventOnce, TenantDatabase } from '@platform/tenancy';
import { storageKeyOf } from '../drivers/storage-key';
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
 *
 * A recording deleted before any upload named it still gets a tombstone (no bytes): an upload that
 * starts afterwards finds its recording taken (409) instead of storing bytes nobody will ever
 * reach or delete. Taken under the organization's quota lock, which upload creation holds too, so
 * the two can never both win.
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
          await this.objects.lockQuota(event.organizationId);
          const row = await this.objects.lockByRecording(event.recordingId);
          if (!row) {
            await this.tombstoneWithoutBytes(event);
            return;
          }
          if (row.status === 'deleted') return;
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

  private async tombstoneWithoutBytes(event: RecordingDeleted): Promise<void> {
    const id = randomUUID();
    await this.objects.insert({
      id,
      organizationId: event.organizationId,
      recordingId: event.recordingId,
      status: 'deleted',
      // Never uploaded: the kind is moot, the key names nothing that exists.
      uploadKind: 'single',
      storageKey: storageKeyOf(event.organizationId, id),
      sizeBytes: 0,
      deletedAt: new Date(),
    });
    this.logger.info(
      { recordingId: event.recordingId },
      'storage: recording deleted before any upload; its id takes no upload now',
    );
  }
}
