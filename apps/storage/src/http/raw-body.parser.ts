import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/**
 * Upload bodies are streams, never buffered: any content type without a parser of its own (JSON
 * keeps Fastify's, for the small finalize body) is handed to the handler unread, which pipes
 * `request.raw` to disk. Fastify's BODY_LIMIT_BYTES applies only to parsed bodies; uploads are held
 * to their own limits (declared size, object maximum, plan quota) while they stream.
 */
@Injectable()
export class RawBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (fastify.hasContentTypeParser('*')) fastify.removeContentTypeParser('*');
    fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  }
}
