import { Controller, Get, Inject, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TenantDatabase } from '@platform/tenancy';
import { ForbiddenError } from '@platform/errors';
import { OBJECT_STORE, type ObjectStore } from '../drivers/object-store.port';
import { StorageProblemFilter } from '../http/storage-problem.filter';
import { ObjectRepository } from '../object/object.repository';
import { parseByteRange } from './byte-range';
import { SignedDownloadUrl } from './signed-download-url';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `GET /v1/downloads/:id?expires=&signature=` (local driver; the S3 driver hands out S3 presigned
 * URLs instead). The signed link is the credential, so the lookup by id runs as system after the
 * signature is verified; an id that is not the signed one never gets that far. Range supported.
 */
@Controller('v1/downloads')
@UseFilters(StorageProblemFilter)
export class DownloadController {
  constructor(
    private readonly links: SignedDownloadUrl,
    private readonly tenants: TenantDatabase,
    private readonly objects: ObjectRepository,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  @Get(':id')
  async download(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!UUID.test(id)) throw new ForbiddenError('The download link is invalid or has expired');
    this.links.verify(id, query.expires, query.signature);
    const object = await this.tenants.runAsSystem('storage.downloads.signed-link', () =>
      this.objects.findById(id),
    );
    // Deleted since the link was issued: the same answer as a bad link.
    if (!object || object.status !== 'completed')
      throw new ForbiddenError('The download link is invalid or has expired');
    const size = object.sizeBytes ?? 0;
    const range = parseByteRange(request.headers.range, size);
    void reply.headers({
      'accept-ranges': 'bytes',
      'content-type': object.contentType ?? 'application/octet-stream',
      'cache-control': 'private, no-store',
      etag: `"${object.sha256}"`,
    });
    if (object.filename)
      void reply.header(
        'content-disposition',
        `attachment; filename*=UTF-8''${encodeURIComponent(object.filename)}`,
      );
    if (range === null) {
      void reply.status(416).header('content-range', `bytes */${size}`).send();
      return;
    }
    if (request.method === 'HEAD') {
      void reply.status(200).header('content-length', String(size)).send();
      return;
    }
    const body = await this.store.read(object.storageKey, range ?? undefined);
    if (range) {
      void reply
        .status(206)
        .headers({
          'content-range': `bytes ${range.start}-${range.end}/${size}`,
          'content-length': String(range.end - range.start + 1),
        })
        .send(body);
    } else {
      void reply.status(200).header('content-length', String(size)).send(body);
    }
  }
}
