import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem-details';
import { toProblemDetails } from './problem-details.mapper';
import { resolveRequestId } from './request-id';

/** The part of a pino logger the filter needs; keeps this lib free of a logging dependency. */
export interface ProblemLogger {
  error(obj: object, msg?: string): void;
}

/**
 * Global filter for the Fastify adapter: every error leaving a controller, guard, pipe or Fastify's
 * own body parsing becomes RFC 9457 problem+json. Register with
 * `app.useGlobalFilters(new ProblemDetailsFilter(logger))`.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: ProblemLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    // The platform's RPC runs on its own AMQP layer (toRpcError), so only HTTP reaches Nest filters.
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const requestId = resolveRequestId(request.headers['x-request-id'], String(request.id));
    const instance = request.url.split('?')[0] ?? request.url;

    const problem = toProblemDetails(exception, {
      instance,
      requestId,
      onUnexpected: (errorId, err) =>
        this.logger.error(
          { err, errorId, requestId, method: request.method, path: instance },
          'Unexpected error',
        ),
    });

    // A streamed response that failed midway cannot be replaced; the error above is all we can do.
    if (reply.sent) return;
    reply
      .status(problem.status)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .header('x-request-id', requestId);
    if (problem.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(problem.retryAfterSeconds));
    reply.send(problem);
  }
}
