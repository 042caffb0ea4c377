import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '@platform/contracts';
import { PROBLEM_CONTENT_TYPE, catalogEntryFor, problemTypeFor } from '@platform/errors';
import { isExemptFromRequestTimeout } from './request-timeout-exemption';

/** Node's HTTP parser / server errors that we answer with a specific code. */
const KNOWN_CLIENT_ERRORS: Record<string, { code: ErrorCode; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'REQUEST_TIMEOUT',
    detail: 'The request (headers and body) was not received completely in time',
  },
  HPE_HEADER_OVERFLOW: { code: 'HEADERS_TOO_LARGE', detail: 'The request headers are too large' },
};

/**
 * Answers errors Node raises below Fastify's routing (a request not received in time, unparsable
 * HTTP, oversized headers) with problem+json like every other error, then closes the connection.
 * No request exists yet at this level, so there is no request id or instance to report.
 */
export function problemClientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // The peer is gone: nothing to answer.
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return;
  // A long upload its handler admitted (exemptFromRequestTimeout): its own idle timeout guards it.
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && isExemptFromRequestTimeout(socket)) return;
  const known = KNOWN_CLIENT_ERRORS[error.code ?? ''] ?? {
    code: 'BAD_REQUEST' as const,
    detail: 'The request is not valid HTTP',
  };
  const { status, title } = catalogEntryFor(known.code);
  const body = JSON.stringify({
    type: problemTypeFor(known.code),
    title,
    status,
    detail: known.detail,
    code: known.code,
  });
  // As Node itself does: never write into a response that already started, it would corrupt it.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
