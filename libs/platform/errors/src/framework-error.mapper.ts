import { HttpException } from '@nestjs/common';
import type { ErrorCode } from '@platform/contracts';
import { codeForHttpStatus } from './http-status.mapper';

export interface FrameworkErrorMapping {
  code: ErrorCode;
  detail: string;
}

/**
 * Fastify's own request errors, reworded for API clients. Keyed by Fastify error code; the messages
 * are listed too because NestJS rewraps a FastifyError as `new HttpException(message, statusCode)`,
 * which drops the code but keeps the message.
 */
const FASTIFY_ERRORS: ReadonlyArray<{
  fastifyCode: string;
  message: string;
  mapping: FrameworkErrorMapping;
}> = [
  {
    fastifyCode: 'FST_ERR_CTP_INVALID_JSON_BODY',
    message: "Body is not valid JSON but content-type is set to 'application/json'",
    mapping: { code: 'BAD_REQUEST', detail: 'The request body is not valid JSON' },
  },
  {
    fastifyCode: 'FST_ERR_CTP_EMPTY_JSON_BODY',
    message: "Body cannot be empty when content-type is set to 'application/json'",
    mapping: { code: 'BAD_REQUEST', detail: 'The request body is empty but Content-Type says JSON' },
  },
  {
    fastifyCode: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    message: 'Unsupported Media Type',
    mapping: {
      code: 'UNSUPPORTED_MEDIA_TYPE',
      detail: 'The Content-Type of the request body is not supported',
    },
  },
  {
    fastifyCode: 'FST_ERR_CTP_BODY_TOO_LARGE',
    message: 'Request body is too large',
    mapping: { code: 'PAYLOAD_TOO_LARGE', detail: 'The request body is larger than this endpoint accepts' },
  },
  {
    fastifyCode: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
    message: 'Request body size did not match Content-Length',
    mapping: { code: 'BAD_REQUEST', detail: 'The request body size does not match its Content-Length' },
  },
];

/** Maps a NestJS HttpException or a Fastify error carrying `statusCode`; undefined for anything else or a 5xx we cannot name. */
export function mapFrameworkError(err: unknown): FrameworkErrorMapping | undefined {
  if (err instanceof HttpException) {
    return mapStatus(err.getStatus(), undefined, httpExceptionMessage(err));
  }
  if (isFastifyError(err)) {
    return mapStatus(err.statusCode, err.code, fastifyMessage(err));
  }
  return undefined;
}

/**
 * Only Fastify's own errors (FST_* codes, or a body parser's SyntaxError it tagged with a status) are
 * trusted for their status and message; a library error that happens to carry `statusCode` (an SDK's
 * upstream 404) is ours to handle and stays internal.
 */
function isFastifyError(err: unknown): err is Error & { statusCode: number; code?: string } {
  if (!(err instanceof Error)) return false;
  const { statusCode, code } = err as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== 'number') return false;
  return (
    (typeof code === 'string' && code.startsWith('FST_')) ||
    err.name === 'FastifyError' ||
    (err instanceof SyntaxError && statusCode === 400)
  );
}

function mapStatus(
  status: number,
  fastifyCode: string | undefined,
  message: string,
): FrameworkErrorMapping | undefined {
  const known = FASTIFY_ERRORS.find((e) => e.fastifyCode === fastifyCode || e.message === message);
  if (known && known.mapping.code === codeForHttpStatus(status)) return known.mapping;
  const code = codeForHttpStatus(status);
  return code === undefined ? undefined : { code, detail: message };
}

/**
 * Nest puts validation messages in the response body (`{ message: string[] }`), not in `.message`.
 * A string response or a string `message` needs nothing here: HttpException's own initMessage copies
 * either into `.message` already.
 */
function httpExceptionMessage(err: HttpException): string {
  const message = (err.getResponse() as { message?: unknown }).message;
  if (Array.isArray(message) && message.every((m) => typeof m === 'string')) return message.join('; ');
  return err.message;
}

/** A JSON parser's SyntaxError says where it broke; prefix it so the client knows it was the body. */
function fastifyMessage(err: Error): string {
  return err instanceof SyntaxError ? `The request body is not valid JSON: ${err.message}` : err.message;
}
