import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OBJECT_STORE, type ObjectStore } from '../drivers/object-store.port';
import type { ObjectEntity } from '../object/object.entity';
import { parseByteRange } from './byte-range';

/**
 * Sends a completed object's bytes, streamed from the store: 200 whole, 206 with Content-Range for
 * one satisfiable range, 416 for an unsatisfiable one. Shared by the signed-link download and the
 * authenticated content route.
 */
@Injectable()
export class ObjectBytesResponder {
  constructor(@Inject(OBJECT_STORE) private readonly store: ObjectStore) {}

  async send(object: ObjectEntity, request: FastifyRequest, reply: FastifyReply): Promise<void> {
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
    const length = range ? range.end - range.start + 1 : size;
    void reply.header('content-length', String(length));
    if (range) void reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`);
    else void reply.status(200);
    if (request.method === 'HEAD') {
      void reply.send();
      return;
    }
    void reply.send(await this.store.read(object.storageKey, range ?? undefined));
  }
}
