import type { FastifyInstance, FastifyReply } from 'fastify';

export interface CorsPolicy {
  /** `'*'`, the allowed origins (exact match), or `false` (no CORS at all). */
  origin: '*' | readonly string[] | false;
  methods: readonly string[];
  allowedHeaders: readonly string[];
  exposedHeaders: readonly string[];
  maxAgeSeconds: number;
}

/**
 * CORS for one fixed policy, as `@fastify/cors` answers it with the same options (no credentials,
 * strict preflight, 204), with every header value computed once. The plugin had to be given its
 * options per request (a delegator, so that an OPTIONS request that is no preflight — a tus client
 * asking a stream route for its capabilities — reaches its route) and re-normalized them on every
 * request: ~7 % of the gateway's CPU per `/health/live`, measured. What the plugin did is kept:
 * - every answer: `Vary: Origin`; then, unless CORS is off, `Access-Control-Allow-Origin` (`*`, or
 *   the caller's origin when listed) and `Access-Control-Expose-Headers`;
 * - a preflight (`OPTIONS` naming `Access-Control-Request-Method`): without an `Origin` 400
 *   `Invalid Preflight Request`; else the allowed methods and headers, `Access-Control-Max-Age`, 204,
 *   answered here before any authentication (browsers send no credentials on a preflight);
 * - any other `OPTIONS` goes to its route; where there is none, the catch-all `OPTIONS *` answers 404.
 */
export function registerCors(fastify: FastifyInstance, policy: CorsPolicy): void {
  const exposed = policy.exposedHeaders.join(', ');
  const preflightHeaders = {
    'access-control-allow-methods': policy.methods.join(', '),
    'access-control-allow-headers': policy.allowedHeaders.join(', '),
    'access-control-max-age': String(policy.maxAgeSeconds),
  };
  const listed = policy.origin === '*' || policy.origin === false ? undefined : new Set(policy.origin);

  fastify.addHook('onRequest', (request, reply, done) => {
    addVaryOrigin(reply);
    if (policy.origin === false) return done();
    const origin = request.headers.origin;
    const allowOrigin = listed ? (origin !== undefined && listed.has(origin) ? origin : undefined) : '*';
    if (allowOrigin !== undefined) void reply.header('access-control-allow-origin', allowOrigin);
    void reply.header('access-control-expose-headers', exposed);
    if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined) {
      return done();
    }
    if (!origin) {
      void reply.status(400).type('text/plain').send('Invalid Preflight Request');
      return;
    }
    void reply.headers(preflightHeaders).status(204).header('content-length', '0').send();
  });

  // Preflights to paths that have no OPTIONS route of their own reach the hook above through this.
  fastify.options('*', (_request, reply) => {
    reply.callNotFound();
  });
}

/** Adds `Origin` to `Vary` (an answer that depends on the caller's origin must not be cached across origins). */
function addVaryOrigin(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  if (vary === undefined) {
    void reply.header('vary', 'Origin');
    return;
  }
  const value = Array.isArray(vary) ? vary.join(', ') : String(vary);
  if (value === '*' || value.split(',').some((field) => field.trim().toLowerCase() === 'origin')) return;
  void reply.header('vary', `${value}, Origin`);
}
