import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { PROBLEM_CONTENT_TYPE, toProblemDetails, type ProblemDetails } from '@platform/errors';

/**
 * Answers a refused upgrade with a plain HTTP response — problem+json with its stable code, exactly
 * what the same refusal costs on any other route — and closes the socket. The WebSocket handshake
 * never happens, so a browser sees the failed connection and the status, and nothing was relayed.
 */
export function refuseUpgrade(
  socket: Duplex,
  error: unknown,
  context: { path: string; requestId: string; logger: Logger; headers?: Record<string, string> },
): ProblemDetails {
  const problem = toProblemDetails(error, {
    instance: context.path,
    requestId: context.requestId,
    onUnexpected: (errorId, cause) =>
      context.logger.error({ err: cause, errorId }, 'websocket upgrade failed unexpectedly'),
  });
  const body = JSON.stringify(problem);
  const headers: Record<string, string> = {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-request-id': context.requestId,
    connection: 'close',
    ...(problem.retryAfterSeconds !== undefined ? { 'retry-after': String(problem.retryAfterSeconds) } : {}),
    ...context.headers,
  };
  const head = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');
  if (!socket.writable) socket.destroy();
  else socket.end(`${head}\r\n\r\n${body}`);
  return problem;
}
