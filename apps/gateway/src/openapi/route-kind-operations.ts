import type { StreamRouteDefinition } from '../routes/kinds/stream-route.definition';
import type { WebhookRouteDefinition } from '../routes/kinds/webhook-route.definition';
import { acceptedCredentials, type RouteCredential } from '../routes/route-definition';

/** The OpenAPI security scheme of each kind of credential (same names as the builder's components). */
const SECURITY_SCHEME: Record<RouteCredential, string> = {
  user: 'bearerAuth',
  'api-key': 'apiKey',
  'organization-code': 'organizationCode',
};
const REQUEST_ID = { 'x-request-id': { $ref: '#/components/headers/X-Request-Id' } };
const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
const RAW_BODY = { schema: { type: 'string', format: 'binary' } };

/** `:uploadId` segments of a Fastify path as OpenAPI path parameters (plain strings). */
function pathParameters(path: string): Record<string, unknown>[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

/**
 * A webhook: no security requirement (the provider signs the body; the owning service verifies),
 * the body documented as raw bytes — exactly what is forwarded.
 */
export function webhookOperation(route: WebhookRouteDefinition): Record<string, unknown> {
  return {
    operationId: route.id,
    tags: [route.tag],
    summary: route.summary,
    description:
      `${route.description ? `${route.description}\n\n` : ''}Webhook: the raw body (at most ${route.bodyLimitBytes} bytes) ` +
      `and the ${[...route.signatureHeaders.map((h) => `\`${h}\` header`), ...(route.signatureQuery ?? []).map((q) => `\`${q}\` query parameter`)].join(', ')} reach the ${route.service} service ` +
      'byte for byte; it verifies the signature and answers once the event is stored. Its status and body are relayed.',
    security: [],
    parameters: [
      ...pathParameters(route.path),
      ...route.signatureHeaders.map((name) => ({
        name,
        in: 'header',
        required: true,
        description: 'The provider’s signature of the raw body',
        schema: { type: 'string' },
      })),
      ...(route.signatureQuery ?? []).map((name) => ({
        name,
        in: 'query',
        required: true,
        description: 'The token that authenticates this callback (signed by the owning service)',
        schema: { type: 'string' },
      })),
    ],
    requestBody: { required: true, content: { '*/*': RAW_BODY } },
    responses: {
      [route.success.status]: { description: route.success.description, headers: REQUEST_ID },
      '400': {
        description: 'The service refused the event (bad signature or payload), relayed as it answered',
      },
      '413': ref('PayloadTooLarge'),
      '429': ref('RateLimited'),
      '503': ref('ServiceUnavailable'),
      '504': ref('Timeout'),
    },
    'x-route-kind': 'webhook',
    'x-service': route.service,
    'x-signature-headers': [...route.signatureHeaders],
    'x-rate-limit-class': route.rateLimit,
  };
}

/** One operation per method of a stream entry: bytes in and out, as the owning service answers. */
export function streamOperation(route: StreamRouteDefinition, method: string): Record<string, unknown> {
  const sendsBody = ['POST', 'PUT', 'PATCH'].includes(method);
  // A signed-url download: no security scheme (the query's signature is the credential, checked by the service).
  const signedUrl = route.credential === 'signed-url';
  return {
    operationId: route.methods.length > 1 ? `${route.id}.${method.toLowerCase()}` : route.id,
    tags: [route.tag],
    summary: route.summary,
    description:
      `${route.description ? `${route.description}\n\n` : ''}Stream: the body (at most ${route.maxBodyBytes} bytes) ` +
      `is piped to the ${route.service} service and its answer piped back, headers included ` +
      '(Range/Content-Range, Location, Upload-*/Tus-*).',
    security: signedUrl ? [] : acceptedCredentials(route).map((kind) => ({ [SECURITY_SCHEME[kind]]: [] })),
    parameters: pathParameters(route.path),
    ...(sendsBody ? { requestBody: { required: false, content: { '*/*': RAW_BODY } } } : {}),
    responses: {
      '2XX': {
        description: route.success.description,
        headers: REQUEST_ID,
        ...(method === 'GET' ? { content: { '*/*': RAW_BODY } } : {}),
      },
      ...(signedUrl ? {} : { '401': ref('Unauthenticated') }),
      '403': ref('Forbidden'),
      ...(sendsBody ? { '413': ref('PayloadTooLarge') } : {}),
      '429': ref('RateLimited'),
      '503': ref('ServiceUnavailable'),
      '504': ref('Timeout'),
    },
    'x-route-kind': 'stream',
    'x-service': route.service,
    'x-permission': route.auth,
    'x-credentials': signedUrl ? ['signed-url'] : [...acceptedCredentials(route)],
    'x-rate-limit-class': route.rateLimit,
  };
}
