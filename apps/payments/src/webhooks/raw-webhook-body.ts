import type { FastifyInstance } from 'fastify';

/** Webhook paths of this service: their bodies must reach the handler byte-exact. */
export const WEBHOOK_PATH_PREFIX = '/v1/webhooks/';

/**
 * Replaces the JSON body parser so that webhook paths get the raw bytes (a provider's signature is
 * over exactly those bytes; parsing and re-serialising would break it) while every other path keeps
 * the default JSON parsing, with the same limits and prototype-poisoning protection. Must run
 * before the server is ready (a module's onModuleInit: Nest registered its parser just before).
 */
export function keepRawBodyForWebhooks(fastify: FastifyInstance): void {
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (request.url.startsWith(WEBHOOK_PATH_PREFIX)) {
      done(null, body);
      return;
    }
    json(request, body.toString('utf8'), done);
  });
}
