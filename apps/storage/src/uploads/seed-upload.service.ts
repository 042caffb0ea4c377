import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { Principal } from '@platform/contracts';
import { NotFoundError } from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import type { ObjectEntity } from '../object/object.entity';
import { ObjectRepository } from '../object/object.repository';
import { ObjectService } from '../object/object.service';
import { BadRequestError } from '../shared/storage.errors';
import { refuseTakenRecording } from './recording-upload-slot';
import { UploadCompletion } from './upload-completion';
import { UploadService } from './upload.service';

/** The seed's chunk flow and single-shot upload, on the same use cases as tus. */
@Injectable()
export class SeedUploadService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly objects: ObjectRepository,
    private readonly uploads: UploadService,
    private readonly completion: UploadCompletion,
    private readonly objectService: ObjectService,
  ) {}

  private byRecording(principal: Principal, recordingId: string): Promise<ObjectEntity | null> {
    return this.tenants.runForPrincipal(principal, () => this.objects.findByRecording(recordingId));
  }

  /** Chunk 0 opens the recording's upload; every chunk is appended in order and checked. */
  async appendChunk(
    principal: Principal,
    recordingId: string,
    chunk: { chunkIndex: number; sha256: Buffer; body: Readable; contentLength: number | null },
  ): Promise<ObjectEntity> {
    if (chunk.contentLength === 0) throw new BadRequestError('A chunk carries at least one byte');
    let upload = await this.byRecording(principal, recordingId);
    // A deleted recording's tombstone is not an upload to append to.
    if (upload?.status === 'deleted') refuseTakenRecording(upload, recordingId);
    if (!upload && chunk.chunkIndex === 0)
      upload = await this.uploads.create(principal, {
        kind: 'chunks',
        sizeBytes: null,
        recordingId,
        filename: null,
      });
    if (!upload) throw new NotFoundError('Upload of recording', recordingId);
    return this.uploads.append(principal, upload.id, {
      offset: upload.receivedBytes,
      body: chunk.body,
      contentLength: chunk.contentLength,
      sha256: chunk.sha256,
      chunkIndex: chunk.chunkIndex,
    });
  }

  async finalize(principal: Principal, recordingId: string, sha256: string | null): Promise<ObjectEntity> {
    const upload = await this.byRecording(principal, recordingId);
    if (!upload) throw new NotFoundError('Upload of recording', recordingId);
    return this.completion.complete(principal, upload.id, sha256);
  }

  /**
   * One request, one object. If the bytes are refused (quota, type, checksum) the half-made object is
   * removed, so a failed single upload leaves nothing behind.
   */
  async single(
    principal: Principal,
    input: {
      recordingId: string | null;
      filename: string | null;
      sha256: string | null;
      body: Readable;
      contentLength: number | null;
    },
  ): Promise<ObjectEntity> {
    const upload = await this.uploads.create(principal, {
      kind: 'single',
      sizeBytes: input.contentLength,
      recordingId: input.recordingId,
      filename: input.filename,
    });
    try {
      await this.uploads.append(principal, upload.id, {
        offset: 0,
        body: input.body,
        contentLength: input.contentLength,
        sha256: null,
      });
      return await this.completion.complete(principal, upload.id, input.sha256);
    } catch (error) {
      await this.objectService.delete(principal, upload.id).catch(() => undefined);
      throw error;
    }
  }
}
