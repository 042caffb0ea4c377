import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { Principal } from '@platform/contracts';
import { ConflictError, NotFoundError } from '@platform/errors';
import { TenantDatabase, tenantOfPrincipal } from '@platform/tenancy';
import type { StorageEnv } from '../config/storage-env.schema';
import { UploadStaging } from '../drivers/upload-staging';
import { storageKeyOf } from '../drivers/storage-key';
import type { ObjectEntity } from '../object/object.entity';
import { ObjectRepository } from '../object/object.repository';
import {
  BadRequestError,
  ChecksumMismatchError,
  PayloadTooLargeError,
  StorageQuotaExceededError,
  UploadExpiredError,
} from '../shared/storage.errors';
import { AudioSniffer, ByteLimit, Sha256Tap } from './byte-streams';
import { StorageQuota } from './storage-quota';
import { assertRecordingTakesUpload } from './recording-upload-slot';
import { UploadLock } from './upload-lock';

export interface NewUpload {
  kind: ObjectEntity['uploadKind'];
  /** Declared total size (tus Upload-Length); null when unknown until the end. */
  sizeBytes: number | null;
  recordingId: string | null;
  filename: string | null;
  metadata?: Record<string, string>;
}

export interface AppendRequest {
  /** The offset the client believes it writes at (tus Upload-Offset); must be the current one. */
  offset: number;
  body: Readable;
  /** Content-Length of the request when sent: lets quota and size be refused before any byte. */
  contentLength: number | null;
  /** SHA-256 the received bytes must have (tus Upload-Checksum, a chunk's SHA-256). */
  sha256: Buffer | null;
  /** The seed chunk flow: the chunk index this request carries. */
  chunkIndex?: number;
}

/**
 * Writes uploads: creation (quota reserved), appending bytes at the current offset (streamed to the
 * staging file through a byte limit, a SHA-256 tap and, at offset 0, the audio sniffer), and the
 * end of an upload (UploadCompletion). A PATCH that cannot be kept (checksum mismatch, a refused
 * limit) is cut back to where it started; one whose client went away without a checksum keeps what
 * arrived, so the client resumes from there (tus core).
 */
@Injectable()
export class UploadService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly objects: ObjectRepository,
    private readonly staging: UploadStaging,
    private readonly quota: StorageQuota,
    private readonly lock: UploadLock,
    @Inject(SERVICE_CONFIG) private readonly config: StorageEnv,
  ) {}

  async create(principal: Principal, input: NewUpload): Promise<ObjectEntity> {
    const organizationId = tenantOfPrincipal(principal);
    if (input.sizeBytes !== null && input.sizeBytes > this.config.STORAGE_MAX_OBJECT_BYTES)
      throw new PayloadTooLargeError(
        'The upload is larger than one object may be',
        this.config.STORAGE_MAX_OBJECT_BYTES,
      );
    const id = randomUUID();
    const storageKey = storageKeyOf(organizationId, id);
    const created = await this.tenants.runForPrincipal(principal, async () => {
      await this.objects.lockQuota(organizationId);
      await assertRecordingTakesUpload(this.objects, input.recordingId);
      await this.quota.assertFits(principal, organizationId, null, input.sizeBytes ?? 0);
      return this.objects.insert({
        id,
        organizationId,
        storageKey,
        status: 'uploading',
        uploadKind: input.kind,
        sizeBytes: input.sizeBytes,
        recordingId: input.recordingId,
        filename: input.filename,
        metadata: input.metadata ?? {},
        createdBy: principal.userId ?? principal.attributedUserId ?? null,
        expiresAt: this.expiryFrom(new Date()),
      });
    });
    await this.staging.create(storageKey);
    return created;
  }

  /**
   * The caller's upload (NOT_FOUND for another organization's, a deleted or a swept one;
   * UPLOAD_EXPIRED (410) for one past its Upload-Expires that the sweep has not removed yet).
   */
  async findUploading(principal: Principal, objectId: string, now = new Date()): Promise<ObjectEntity> {
    const found = await this.tenants.runForPrincipal(principal, () => this.objects.findById(objectId));
    if (!found) throw new NotFoundError('Upload', objectId);
    if (found.status === 'uploading' && found.expiresAt && found.expiresAt <= now)
      throw new UploadExpiredError(objectId, found.expiresAt);
    return found;
  }

  /** tus `expiration`: an upload lives STORAGE_UPLOAD_EXPIRY_SECONDS past its last accepted byte. */
  expiryFrom(lastActivity: Date): Date {
    return new Date(lastActivity.getTime() + this.config.STORAGE_UPLOAD_EXPIRY_SECONDS * 1000);
  }

  /** Appends one request's bytes; resolves with the upload after it (offset advanced). */
  async append(principal: Principal, objectId: string, request: AppendRequest): Promise<ObjectEntity> {
    const organizationId = tenantOfPrincipal(principal);
    return this.lock.withLock(objectId, async () => {
      const upload = await this.findUploading(principal, objectId);
      if (upload.status !== 'uploading')
        throw new ConflictError('The upload is already complete', { objectId });
      if (request.offset !== upload.receivedBytes)
        throw new ConflictError(`Upload-Offset must be ${upload.receivedBytes}, the upload’s offset`, {
          expectedOffset: upload.receivedBytes,
        });
      if (request.chunkIndex !== undefined && request.chunkIndex !== upload.chunkCount)
        throw new ConflictError(`Chunks are appended in order: the next is ${upload.chunkCount}`, {
          expectedIndex: upload.chunkCount,
        });
      const allowed = await this.allowedBytes(principal, organizationId, upload, request.contentLength);
      const limit = new ByteLimit(allowed.bytes, allowed.overflow);
      const tap = new Sha256Tap();
      guardIdle(request.body, this.config.STORAGE_UPLOAD_IDLE_TIMEOUT_MS);
      const transforms = [limit, ...(upload.receivedBytes === 0 ? [new AudioSniffer()] : []), tap];
      let written: number;
      try {
        written = await this.staging.append(
          upload.storageKey,
          upload.receivedBytes,
          request.body,
          transforms,
        );
      } catch (error) {
        // Bytes we refused, or that no checksum can vouch for, are not kept. A plain interrupted
        // request keeps what arrived (counted by the limit, all of it written before the error).
        const staged = (await this.staging.size(upload.storageKey)) ?? upload.receivedBytes;
        const keep = request.sha256 === null && !isRefusal(error) ? staged - upload.receivedBytes : 0;
        await this.settle(principal, upload, Math.max(0, keep), false);
        throw error;
      }
      const digest = tap.digest();
      if (request.sha256 && !digest.equals(request.sha256)) {
        await this.settle(principal, upload, 0, false);
        throw new ChecksumMismatchError(
          'sha256',
          request.sha256.toString('base64'),
          digest.toString('base64'),
        );
      }
      return this.settle(principal, upload, written, request.chunkIndex !== undefined);
    });
  }

  /**
   * How many bytes this request may bring: the declared size, the object maximum and the plan's
   * quota (checked on every request, a plan can shrink mid-upload). With a Content-Length the
   * refusal comes before reading any byte.
   */
  private async allowedBytes(
    principal: Principal,
    organizationId: string,
    upload: ObjectEntity,
    contentLength: number | null,
  ): Promise<{ bytes: number; overflow: () => Error }> {
    const room = await this.tenants.runForPrincipal(principal, () =>
      this.quota.room(principal, organizationId, upload.id),
    );
    const offset = upload.receivedBytes;
    const quotaBytes = room.free - offset;
    const sizeBytes = (upload.sizeBytes ?? this.config.STORAGE_MAX_OBJECT_BYTES) - offset;
    const quotaError = (incoming: number) =>
      new StorageQuotaExceededError(room.plan, room.max, room.usage, offset + incoming);
    const sizeError = () =>
      upload.sizeBytes === null
        ? new PayloadTooLargeError(
            'The upload is larger than one object may be',
            this.config.STORAGE_MAX_OBJECT_BYTES,
          )
        : new BadRequestError('The bytes go past Upload-Length', { uploadLength: upload.sizeBytes });
    // A declared size must still fit as a whole (the plan may have shrunk since creation).
    if (upload.sizeBytes !== null && upload.sizeBytes > room.free)
      throw new StorageQuotaExceededError(room.plan, room.max, room.usage, upload.sizeBytes);
    if (contentLength !== null) {
      if (contentLength > sizeBytes) throw sizeError();
      if (contentLength > quotaBytes) throw quotaError(contentLength);
    }
    return quotaBytes < sizeBytes
      ? { bytes: Math.max(0, quotaBytes), overflow: () => quotaError(quotaBytes + 1) }
      : { bytes: sizeBytes, overflow: sizeError };
  }

  /** Records the new offset (or cuts the staged file back to the old one when nothing is kept). */
  private async settle(principal: Principal, upload: ObjectEntity, kept: number, chunk: boolean) {
    const offset = upload.receivedBytes + kept;
    if (kept === 0) await this.staging.truncate(upload.storageKey, upload.receivedBytes);
    else if (kept > 0 && (await this.staging.size(upload.storageKey)) !== offset)
      await this.staging.truncate(upload.storageKey, offset);
    if (kept === 0) return upload;
    const changes = {
      receivedBytes: offset,
      expiresAt: this.expiryFrom(new Date()),
      ...(chunk ? { chunkCount: upload.chunkCount + 1 } : {}),
    };
    await this.tenants.runForPrincipal(principal, () => this.objects.update(upload.id, changes));
    return Object.assign(upload, changes);
  }
}

/**
 * An HTTP request body that stalls (no byte for `idleMs`) is destroyed: the pipeline fails like a
 * client that went away, and what arrived stays for a resume.
 */
function guardIdle(body: Readable, idleMs: number): void {
  const request = body as Partial<IncomingMessage>;
  if (typeof request.setTimeout !== 'function') return;
  request.setTimeout(idleMs, () => body.destroy(new Error(`No upload byte for ${idleMs} ms`)));
}

/** Errors that refuse the bytes themselves (as opposed to a connection that went away). */
function isRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    code === 'PLAN_LIMIT_REACHED' ||
    code === 'PAYLOAD_TOO_LARGE' ||
    code === 'BAD_REQUEST' ||
    code === 'UNSUPPORTED_MEDIA_TYPE'
  );
}
