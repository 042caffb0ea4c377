import { Catch, Inject, type ArgumentsHost } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '@platform/bootstrap';
import { ProblemDetailsFilter } from '@platform/errors';
import { TUS_RESUMABLE } from '../uploads/tus/tus-headers';

/**
 * problem+json for storage's HTTP handlers (the platform's filter). tus answers, errors included,
 * carry Tus-Resumable, as the protocol requires of every response but OPTIONS.
 */
@Catch()
export class StorageProblemFilter extends ProblemDetailsFilter {
  constructor(@Inject(LOGGER) logger: Logger) {
    super(logger);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http') {
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      const reply = host.switchToHttp().getResponse<FastifyReply>();
      if (request.url.startsWith('/v1/uploads') && !reply.sent)
        void reply.header('tus-resumable', TUS_RESUMABLE);
    }
    super.catch(exception, host);
  }
}
