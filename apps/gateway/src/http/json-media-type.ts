import type { FastifyRequest } from 'fastify';
import { DomainError } from '@platform/errors';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * RPC routes take `application/json` (UTF-8, the only JSON encoding, RFC 8259) and nothing else.
 * Form and text/plain bodies are what a browser may send cross-site without a CORS preflight, so
 * accepting them would let any web page post to the API from a visitor's browser (the CSRF
 * shape); `application/*+json` variants are refused too: no route speaks their semantics.
 * Checked before the body is read, also for an empty body sent with a non-JSON type.
 */
export function assertJsonMediaType(request: FastifyRequest): void {
  const contentType = request.headers['content-type'];
  const hasBody =
    request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (contentType === undefined) {
    if (hasBody) throw unsupported('a request body must be sent with Content-Type: application/json');
    return;
  }
  if (!hasBody && !METHODS_WITH_BODY.has(request.method)) return;
  if (!isJson(contentType)) {
    throw unsupported(
      `Content-Type ${JSON.stringify(contentType.slice(0, 100))} is not accepted; send application/json`,
    );
  }
}

function isJson(contentType: string): boolean {
  const [type = '', ...parameters] = contentType.split(';');
  if (type.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name = '', value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') return true;
    return value.trim().replace(/^"|"$/g, '').toLowerCase() === 'utf-8';
  });
}

function unsupported(message: string): DomainError {
  return new DomainError('UNSUPPORTED_MEDIA_TYPE', message);
}
