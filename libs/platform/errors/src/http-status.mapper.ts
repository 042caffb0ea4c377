import type { ErrorCode } from '@platform/contracts';

/**
 * Error code for a status raised by the framework rather than by our code (NestJS HttpException,
 * Fastify's own errors). Undefined means "not a client error we can name": the caller treats it as
 * internal, so a framework 500 never shows its message.
 */
export function codeForHttpStatus(status: number): ErrorCode | undefined {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    // Our own code throws NotFoundError (NOT_FOUND); a framework 404 means no route matched.
    case 404:
      return 'ROUTE_NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    case 501:
      return 'NOT_IMPLEMENTED';
    case 503:
      return 'SERVICE_UNAVAILABLE';
    case 504:
      return 'RPC_TIMEOUT';
    default:
      return status >= 400 && status < 500 ? 'BAD_REQUEST' : undefined;
  }
}
