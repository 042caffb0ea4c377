import type { FastifyInstance } from 'fastify';

/** Webhook paths of this service: their bodies must reach the handler byte-exact. */
export const WEBHOOK_PATH_PREFIX = '/v1/webhooks/';

/** Content types a provider callback arrives in: JSON (Stripe, Mercado Pago) or a browser form (AZUL 3-D Secure). */
export const WEBHOOK_CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded'] as const;

/**
 * Replaces the JSON and form body parsers so that webhook paths get the raw bytes (a provider's
 * signature is over exactly those bytes; parsing and re-serialising would break it, and AZUL's
 * 3-D Secure cRes arrives as a form the issuer's page makes the browser post) while every other path
 * keeps parsing, with the same limits and prototype-poisoning protection. Must run before the server
 * is ready (a module's onModuleInit: Nest registered its parsers just before).
 */
export function keepRawBodyForWebhooks(fastify: FastifyInstance): void {
  const json = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser([...WEBHOOK_CONTENT_TYPES]);
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (request.url.startsWith(WEBHOOK_PATH_PREFIX)) {
      done(null, body);
      return;
    }
    json(request, body.toString('utf8'), done);
  });
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    (request, body, done) => {
      if (request.url.startsWith(WEBHOOK_PATH_PREFIX)) {
        done(null, body);
        return;
      }
      // No other form route exists on this port today; parsed like Nest's parser (repeated keys → arrays).
      const parsed: Record<string, string | string[]> = Object.create(null) as Record<
        string,
        string | string[]
      >;
      for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
        const seen = parsed[key];
        parsed[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
      }
      done(null, parsed);
    },
  );
}
