import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { resolveRequestId } from '@platform/errors';

/** Fastify's request id: the caller's `x-request-id` when safe to echo (no log injection), else a new one. */
export function requestIdFor(request: IncomingMessage): string {
  return resolveRequestId(request.headers['x-request-id'], randomUUID());
}
