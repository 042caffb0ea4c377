import { Controller, Delete, Head, Options, Param, Patch, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Inject } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { Principal } from '@platform/contracts';
import { NotFoundError, DomainError } from '@platform/errors';
import type { StorageEnv } from '../../config/storage-env.schema';
import { EdgeAuthenticated, EdgePrincipal } from '../../http/edge-principal.guard';
import { StorageProblemFilter } from '../../http/storage-problem.filter';
import type { ObjectEntity } from '../../object/object.entity';
import { ObjectService } from '../../object/object.service';
import { BadRequestError } from '../../shared/storage.errors';
import { UploadCompletion } from '../upload-completion';
import { UploadService } from '../upload.service';
import {
  assertTusResumable,
  contentLengthOf,
  headerValue,
  integerHeader,
  parseUploadChecksum,
  parseUploadMetadata,
  TUS_CHECKSUM_ALGORITHMS,
  TUS_CONTENT_TYPE,
  TUS_EXTENSIONS,
  TUS_RESUMABLE,
} from './tus-headers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An id that is not one of ours is simply not found (never a path, whatever it contains). */
function uploadId(id: string): string {
  if (!UUID.test(id)) throw new NotFoundError('Upload', id.slice(0, 64));
  return id;
}

/**
 * tus 1.0 (core, creation, termination, checksum with sha256) at /v1/uploads, on storage's internal
 * port, reached through the gateway's stream route. Handlers map headers to the upload use cases.
 */
@Controller('v1/uploads')
@UseFilters(StorageProblemFilter)
export class TusController {
  constructor(
    private readonly uploads: UploadService,
    private readonly completion: UploadCompletion,
    private readonly objects: ObjectService,
    @Inject(SERVICE_CONFIG) private readonly config: StorageEnv,
  ) {}

  /** Discovery: no credentials needed, nothing about any upload is said. */
  @Options()
  options(@Res() reply: FastifyReply): void {
    void reply
      .status(204)
      .headers({
        'tus-resumable': TUS_RESUMABLE,
        'tus-version': TUS_RESUMABLE,
        'tus-extension': TUS_EXTENSIONS,
        'tus-max-size': String(this.config.STORAGE_MAX_OBJECT_BYTES),
        'tus-checksum-algorithm': TUS_CHECKSUM_ALGORITHMS,
      })
      .send();
  }

  /** creation: Upload-Length is required (no deferred length); the plan's quota is reserved now. */
  @Post()
  @EdgeAuthenticated('storage:write')
  async create(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @EdgePrincipal() principal: Principal,
  ) {
    assertTusResumable(request.headers);
    if (headerValue(request.headers, 'upload-defer-length') !== undefined)
      throw new BadRequestError('Upload-Defer-Length is not supported: send Upload-Length');
    if ((contentLengthOf(request.headers) ?? 0) > 0)
      throw new BadRequestError('Creation with upload is not supported: send the bytes with PATCH');
    const sizeBytes = integerHeader(request.headers, 'upload-length', true);
    const metadata = parseUploadMetadata(request.headers);
    const recordingId = metadata.recordingId ?? null;
    if (recordingId !== null && !UUID.test(recordingId))
      throw new BadRequestError('Upload-Metadata recordingId must be a uuid', { field: 'recordingId' });
    const upload = await this.uploads.create(principal, {
      kind: 'tus',
      sizeBytes,
      recordingId,
      filename: metadata.filename?.slice(0, 255) ?? null,
      metadata,
    });
    void reply
      .status(201)
      .headers({
        'tus-resumable': TUS_RESUMABLE,
        location: `/v1/uploads/${upload.id}`,
        'upload-offset': '0',
        ...uploadExpires(upload),
      })
      .send();
  }

  @Head(':id')
  @EdgeAuthenticated('storage:write')
  async head(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @EdgePrincipal() principal: Principal,
  ) {
    assertTusResumable(request.headers);
    const upload = await this.uploads.findUploading(principal, uploadId(id));
    const headers: Record<string, string> = {
      'tus-resumable': TUS_RESUMABLE,
      'upload-offset': String(upload.receivedBytes),
      'cache-control': 'no-store',
    };
    if (upload.sizeBytes !== null) headers['upload-length'] = String(upload.sizeBytes);
    if (upload.status === 'uploading') Object.assign(headers, uploadExpires(upload));
    void reply.status(200).headers(headers).send();
  }

  /** core + checksum: bytes at Upload-Offset; the last byte completes the upload (before answering). */
  @Patch(':id')
  @EdgeAuthenticated('storage:write')
  async patch(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @EdgePrincipal() principal: Principal,
  ) {
    assertTusResumable(request.headers);
    const objectId = uploadId(id);
    if (headerValue(request.headers, 'content-type') !== TUS_CONTENT_TYPE)
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `PATCH bodies are ${TUS_CONTENT_TYPE}`);
    const offset = integerHeader(request.headers, 'upload-offset', true);
    const sha256 = parseUploadChecksum(request.headers);
    const upload = await this.uploads.append(principal, objectId, {
      offset,
      body: request.raw,
      contentLength: contentLengthOf(request.headers),
      sha256,
    });
    const complete = upload.sizeBytes !== null && upload.receivedBytes === upload.sizeBytes;
    if (complete) await this.completion.complete(principal, objectId, null);
    void reply
      .status(204)
      .headers({
        'tus-resumable': TUS_RESUMABLE,
        'upload-offset': String(upload.receivedBytes),
        // expiration: pushed forward by these bytes; a completed upload no longer expires.
        ...(complete ? {} : uploadExpires(upload)),
      })
      .send();
  }

  /** termination: the upload and its bytes are gone; its quota is free again. */
  @Delete(':id')
  @EdgeAuthenticated('storage:write')
  async terminate(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @EdgePrincipal() principal: Principal,
  ) {
    assertTusResumable(request.headers);
    await this.objects.delete(principal, uploadId(id));
    void reply.status(204).header('tus-resumable', TUS_RESUMABLE).send();
  }
}

/** tus `expiration`: Upload-Expires as an RFC 9110 HTTP-date. */
function uploadExpires(upload: ObjectEntity): Record<string, string> {
  return upload.expiresAt ? { 'upload-expires': upload.expiresAt.toUTCString() } : {};
}
