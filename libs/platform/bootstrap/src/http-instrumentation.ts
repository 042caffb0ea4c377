import type { FastifyInstance } from 'fastify';
import { httpServerDuration } from '@platform/observability';

/** Records every HTTP response in the latency histogram, labelled by route template (not raw URL). */
export function instrumentHttp(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', async (request, reply) => {
    httpServerDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}
