import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EVENT_NAMES, type Principal } from '@platform/contracts';
import { ConflictError, NotFoundError } from '@platform/errors';
import { OutboxWriter } from '@platform/messaging';
import { currentTenantManager, TenantDatabase } from '@platform/tenancy';
import { OBJECT_STORE, type ObjectStore } from '../drivers/object-store.port';
import { UploadStaging } from '../drivers/upload-staging';
import type { ObjectEntity } from '../object/object.entity';
import { ObjectRepository } from '../object/object.repository';
import { ChecksumMismatchError, UnsupportedContentError } from '../shared/storage.errors';
import { ALLOWED_AUDIO_TYPES, detectAudioType, SNIFF_BYTES } from './audio-signature';
import { UploadLock } from './upload-lock';

/**
 * The end of an upload: the staged bytes are checked (allowed audio type from the magic bytes,
 * optional whole-object SHA-256), moved into the object store, and the object is marked completed
 * in the same transaction that writes `storage.upload.completed` to the outbox.
 */
@Injectable()
export class UploadCompletion {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly objects: ObjectRepository,
    private readonly staging: UploadStaging,
    private readonly lock: UploadLock,
    private readonly outbox: OutboxWriter,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  /** Completes the caller's upload `objectId`; `expectedSha256` (hex) is checked when given. */
  complete(principal: Principal, objectId: string, expectedSha256: string | null): Promise<ObjectEntity> {
    return this.lock.withLock(objectId, () => this.completeLocked(principal, objectId, expectedSha256));
  }

  private async completeLocked(
    principal: Principal,
    objectId: string,
    expectedSha256: string | null,
  ): Promise<ObjectEntity> {
    const upload = await this.tenants.runForPrincipal(principal, () => this.objects.findById(objectId));
    if (!upload) throw new NotFoundError('Upload', objectId);
    if (upload.status === 'completed') return upload;
    if (upload.sizeBytes !== null && upload.receivedBytes !== upload.sizeBytes)
      throw new ConflictError('The upload has not received all its bytes', {
        receivedBytes: upload.receivedBytes,
        sizeBytes: upload.sizeBytes,
      });
    const stagedPath = this.staging.pathOf(upload.storageKey);
    const contentType = await this.sniff(upload);
    if (!contentType) {
      // A disguised file frees its quota at once; nothing of it is kept.
      await this.discard(principal, upload);
      throw new UnsupportedContentError(ALLOWED_AUDIO_TYPES);
    }
    const sha256 = await this.sha256Of(upload);
    if (expectedSha256 && expectedSha256 !== sha256)
      throw new ChecksumMismatchError('sha256', expectedSha256, sha256);
    await this.store.promote(stagedPath, upload.storageKey, contentType);
    return this.record(principal, upload, { sizeBytes: upload.receivedBytes, contentType, sha256 });
  }

  /**
   * Marks the object completed and writes `storage.upload.completed` to the outbox in the same
   * transaction: the event exists if and only if the object does.
   */
  record(
    principal: Principal,
    upload: ObjectEntity,
    facts: { sizeBytes: number; contentType: string; sha256: string },
  ): Promise<ObjectEntity> {
    return this.tenants.runForPrincipal(principal, async () => {
      const changes = {
        status: 'completed' as const,
        sizeBytes: facts.sizeBytes,
        receivedBytes: facts.sizeBytes,
        contentType: facts.contentType,
        sha256: facts.sha256,
        completedAt: new Date(),
        // Completed objects never expire.
        expiresAt: null,
      };
      await this.objects.update(upload.id, changes);
      await this.outbox.addEvent(currentTenantManager(), EVENT_NAMES.uploadCompleted, {
        organizationId: upload.organizationId,
        uploadId: upload.id,
        objectId: upload.id,
        recordingId: upload.recordingId,
        sizeBytes: facts.sizeBytes,
        contentType: facts.contentType,
        sha256: facts.sha256,
      });
      return Object.assign(upload, changes);
    });
  }

  private async sniff(upload: ObjectEntity): Promise<string | null> {
    if (upload.receivedBytes === 0) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of this.staging.read(upload.storageKey, { start: 0, end: SNIFF_BYTES - 1 }))
      chunks.push(chunk as Buffer);
    return detectAudioType(Buffer.concat(chunks));
  }

  /** Read back once from disk: a hash state cannot outlive the many requests of a resumable upload. */
  private async sha256Of(upload: ObjectEntity): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of this.staging.read(upload.storageKey)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  private async discard(principal: Principal, upload: ObjectEntity): Promise<void> {
    await this.tenants.runForPrincipal(principal, () => this.objects.delete(upload.id));
    await this.staging.remove(upload.storageKey);
  }
}
