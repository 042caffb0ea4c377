import type { FastifyInstance } from 'fastify';

/** The same answer as every service's `/health/live`, serialized once. */
const LIVE_BODY = JSON.stringify({ status: 'ok' });

/**
 * `/health/live` on the public port, as a plain Fastify route rather than a Nest controller: the
 * cheapest route the gateway has, probed by load balancers and Kubernetes, so Nest's router and
 * response pipeline (~6 % of the gateway's CPU per liveness answer, measured) buy nothing here. The
 * gateway's global hooks still run: security headers, CORS, request id, metrics. No dependency is
 * checked, as for every liveness answer (readiness is on the internal port).
 */
export function registerPublicLiveness(fastify: FastifyInstance): void {
  fastify.get('/health/live', (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(LIVE_BODY);
  });
}
