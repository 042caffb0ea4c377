import type { FastifyInstance } from 'fastify';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { DOCS_PREFIX } from '../openapi/api-docs';
import { registerCors } from './cors';
import { helmetHeaders } from './security-headers';

/** The API answers JSON only: nothing may be loaded, framed or run from its responses. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** Swagger UI: its own scripts and styles (it sets inline styles), data: images, calls to this origin. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const EXPOSED_HEADERS = [
  'x-request-id',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'retry-after',
  'location',
  'x-device-token',
  'idempotent-replayed',
  // Stream routes (uploads, downloads, tus 1.0 resumable uploads):
  'content-range',
  'accept-ranges',
  'upload-offset',
  'upload-length',
  'upload-metadata',
  'upload-expires',
  'upload-defer-length',
  'upload-concat',
  'tus-resumable',
  'tus-version',
  'tus-extension',
  'tus-max-size',
  'tus-checksum-algorithm',
];
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-api-key',
  'x-organization-code',
  'x-user-id',
  'x-request-id',
  'idempotency-key',
  'x-device-token',
  // Stream routes: ranged downloads and tus uploads.
  'range',
  'if-range',
  'content-range',
  'tus-resumable',
  'upload-offset',
  'upload-length',
  'upload-metadata',
  'upload-defer-length',
  'upload-concat',
  'upload-checksum',
];

/**
 * Security headers (helmet: HSTS, nosniff, frame denial, referrer policy, a deny-all CSP for the
 * API and a Swagger-friendly one under /docs) and CORS for CORS_ORIGINS only. Credentials are
 * bearer headers, never cookies, so CORS never allows credentials.
 */
export async function registerHttpEdge(fastify: FastifyInstance, config: GatewayEnv): Promise<void> {
  // helmet's headers, computed once (see helmetHeaders), with the CSP of the API or of the docs: two
  // fixed header sets, given to the reply in one call per request.
  const security = await helmetHeaders({
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-site' },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    frameguard: { action: 'deny' },
  });
  const apiHeaders = { ...security, 'content-security-policy': API_CSP };
  const docsHeaders = { ...security, 'content-security-policy': DOCS_CSP };
  fastify.addHook('onRequest', (request, reply, done) => {
    // On Fastify's reply, not the raw response: Node validates and stores every `setHeader` on its
    // own and Fastify's `writeHead` then adds its headers one `setHeader` at a time as well (~8 % of
    // the gateway's CPU per `/health/live` answer, measured); the reply's headers go to Node once,
    // in `writeHead`. Every answer goes through the reply (errors and 404s included): no route
    // hijacks the raw response.
    void reply.headers(isDocsPath(request.url) ? docsHeaders : apiHeaders);
    done();
  });

  const anyOrigin = config.CORS_ORIGINS.includes('*');
  registerCors(fastify, {
    origin: anyOrigin ? '*' : config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAgeSeconds: 600,
  });
}

/** `/docs` or below it, query string aside. */
function isDocsPath(url: string): boolean {
  if (!url.startsWith(DOCS_PREFIX)) return false;
  const next = url.charCodeAt(DOCS_PREFIX.length);
  // end of the URL, `/` or `?`
  return Number.isNaN(next) || next === 0x2f || next === 0x3f;
}
