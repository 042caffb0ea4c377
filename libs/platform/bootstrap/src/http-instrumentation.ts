import type { FastifyInstance } from 'fastify';
import { httpServerDuration } from '@platform/observability';

/**
 * Records every HTTP response in the latency histogram, labelled by route template (not raw URL).
 * A callback hook, not an async one: an async hook costs every response a promise and a microtask
 * turn for work that is synchronous.
 */
export function instrumentHttp(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    httpServerDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
