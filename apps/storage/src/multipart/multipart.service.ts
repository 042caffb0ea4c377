import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { MULTIPART_MAX_PARTS, type Principal } from '@platform/contracts';
import { ConflictError, NotFoundError, NotImplementedError } from '@platform/errors';
import { TenantDatabase, tenantOfPrincipal } from '@platform/tenancy';
import type { StorageEnv } from '../config/storage-env.schema';
import {
  canPresign,
  OBJECT_STORE,
  type ObjectStore,
  type PresigningObjectStore,
} from '../drivers/object-store.port';
import { storageKeyOf } from '../drivers/storage-key';
import type { ObjectEntity } from '../object/object.entity';
import { ObjectRepository } from '../object/object.repository';
import { ObjectService } from '../object/object.service';
import { BadRequestError, PayloadTooLargeError, UnsupportedContentError } from '../shared/storage.errors';
import { ALLOWED_AUDIO_TYPES, detectAudioType, SNIFF_BYTES } from '../uploads/audio-signature';
import { StorageQuota } from '../uploads/storage-quota';
import { assertRecordingTakesUpload } from '../uploads/recording-upload-slot';
import { UploadCompletion } from '../uploads/upload-completion';

/**
 * Presigned S3 multipart upload: the client PUTs parts straight to the bucket with URLs signed here.
 * The quota is reserved at initiate (declared size); complete checks what S3 actually holds (size,
 * audio type from its first bytes, SHA-256 read back) before the object counts as uploaded.
 */
@Injectable()
export class MultipartService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly objects: ObjectRepository,
    private readonly quota: StorageQuota,
    private readonly completion: UploadCompletion,
    private readonly objectService: ObjectService,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(SERVICE_CONFIG) private readonly config: StorageEnv,
  ) {}

  private get s3(): PresigningObjectStore {
    if (!canPresign(this.store))
      throw new NotImplementedError('Presigned multipart upload with the local driver');
    return this.store;
  }

  partSizeFor(sizeBytes: number): number {
    return Math.max(this.config.STORAGE_S3_PART_SIZE_BYTES, Math.ceil(sizeBytes / MULTIPART_MAX_PARTS));
  }

  async initiate(
    principal: Principal,
    input: { sizeBytes: number; recordingId?: string; filename?: string },
  ) {
    const s3 = this.s3;
    const organizationId = tenantOfPrincipal(principal);
    if (input.sizeBytes > this.config.STORAGE_MAX_OBJECT_BYTES)
      throw new PayloadTooLargeError(
        'The upload is larger than one object may be',
        this.config.STORAGE_MAX_OBJECT_BYTES,
      );
    const id = randomUUID();
    const storageKey = storageKeyOf(organizationId, id);
    const uploadId = await s3.createMultipartUpload(storageKey, 'application/octet-stream');
    try {
      await this.tenants.runForPrincipal(principal, async () => {
        await this.objects.lockQuota(organizationId);
        await assertRecordingTakesUpload(this.objects, input.recordingId);
        await this.quota.assertFits(principal, organizationId, null, input.sizeBytes);
        await this.objects.insert({
          id,
          organizationId,
          storageKey,
          status: 'uploading',
          uploadKind: 'multipart',
          sizeBytes: input.sizeBytes,
          recordingId: input.recordingId ?? null,
          filename: input.filename ?? null,
          multipartUploadId: uploadId,
          createdBy: principal.userId ?? null,
          // Never completed: the sweep aborts the S3 multipart upload and frees the reservation.
          expiresAt: new Date(Date.now() + this.config.STORAGE_UPLOAD_EXPIRY_SECONDS * 1000),
        });
      });
    } catch (error) {
      await s3.abortMultipartUpload(storageKey, uploadId).catch(() => undefined);
      throw error;
    }
    const partSizeBytes = this.partSizeFor(input.sizeBytes);
    return {
      objectId: id,
      partSizeBytes,
      partCount: Math.ceil(input.sizeBytes / partSizeBytes),
      expiresAt: this.expiry(),
    };
  }

  async partUrls(principal: Principal, objectId: string, partNumbers: number[]) {
    const s3 = this.s3;
    const upload = await this.pending(principal, objectId);
    const partCount = Math.ceil((upload.sizeBytes ?? 0) / this.partSizeFor(upload.sizeBytes ?? 0));
    const beyond = partNumbers.filter((n) => n > partCount);
    if (beyond.length)
      throw new BadRequestError('Part numbers beyond the upload’s parts', { partCount, beyond });
    const ttl = this.config.STORAGE_SIGNED_URL_TTL_SECONDS;
    const parts = await Promise.all(
      partNumbers.map(async (partNumber) => ({
        partNumber,
        url: await s3.presignPart(upload.storageKey, upload.multipartUploadId!, partNumber, ttl),
      })),
    );
    return { parts, expiresAt: this.expiry() };
  }

  async complete(principal: Principal, objectId: string, parts: { partNumber: number; etag: string }[]) {
    const s3 = this.s3;
    const upload = await this.pending(principal, objectId);
    await s3.completeMultipartUpload(upload.storageKey, upload.multipartUploadId!, parts);
    const size = (await s3.size(upload.storageKey)) ?? 0;
    const contentType = detectAudioType(await this.head(upload));
    if (size !== upload.sizeBytes || !contentType) {
      // What S3 holds is not what was promised: it is removed with its record (quota freed).
      await this.objectService.delete(principal, objectId);
      if (!contentType) throw new UnsupportedContentError(ALLOWED_AUDIO_TYPES);
      throw new ConflictError('The uploaded parts do not add up to the declared size', {
        sizeBytes: upload.sizeBytes,
        receivedBytes: size,
      });
    }
    const hash = createHash('sha256');
    for await (const chunk of await s3.read(upload.storageKey)) hash.update(chunk as Buffer);
    return this.completion.record(principal, upload, {
      sizeBytes: size,
      contentType,
      sha256: hash.digest('hex'),
    });
  }

  async abort(principal: Principal, objectId: string): Promise<void> {
    // 501 with the local driver before anything is looked up, like the other multipart calls.
    if (!canPresign(this.store))
      throw new NotImplementedError('Presigned multipart upload with the local driver');
    await this.pending(principal, objectId);
    await this.objectService.delete(principal, objectId);
  }

  private async pending(principal: Principal, objectId: string): Promise<ObjectEntity> {
    const upload = await this.tenants.runForPrincipal(principal, () => this.objects.findById(objectId));
    if (!upload || upload.uploadKind !== 'multipart' || !upload.multipartUploadId)
      throw new NotFoundError('Multipart upload', objectId);
    if (upload.status !== 'uploading')
      throw new ConflictError('The upload is already complete', { objectId });
    return upload;
  }

  private async head(upload: ObjectEntity): Promise<Buffer> {
    if (!upload.sizeBytes) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    const end = Math.min(SNIFF_BYTES, upload.sizeBytes) - 1;
    for await (const chunk of await this.s3.read(upload.storageKey, { start: 0, end }))
      chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private expiry(): string {
    return new Date(Date.now() + this.config.STORAGE_SIGNED_URL_TTL_SECONDS * 1000).toISOString();
  }
}
