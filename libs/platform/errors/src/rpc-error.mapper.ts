import type { RpcErrorPayload } from '@platform/contracts';
import { ZodError } from 'zod';
import { DomainError } from './domain.error';
import { RemoteError } from './remote.error';
import { errorIdFor, INTERNAL_ERROR_MESSAGE, type OnUnexpectedError } from './unexpected-error';
import { zodIssuesToValidationIssues } from './zod-issues.mapper';

/**
 * Turns whatever a handler threw into the RPC error payload. Expected errors travel as they are;
 * anything else is reduced to an id so that stacks, SQL and hostnames never leave the service.
 */
export function toRpcError(err: unknown, onUnexpected?: OnUnexpectedError): RpcErrorPayload {
  if (err instanceof ZodError) {
    return {
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid',
      details: { issues: zodIssuesToValidationIssues(err) },
    };
  }
  // A DomainError saying INTERNAL is hidden too: its message was not written for clients.
  if (!(err instanceof DomainError) || err.code === 'INTERNAL') {
    return { code: 'INTERNAL', message: INTERNAL_ERROR_MESSAGE, errorId: errorIdFor(err, onUnexpected) };
  }
  const payload: RpcErrorPayload = { code: err.code, message: err.message };
  if (err.details !== undefined) payload.details = err.details;
  // A remote failure passed through keeps the id of the log line where it really happened.
  if (err instanceof RemoteError && err.errorId !== undefined) payload.errorId = err.errorId;
  return payload;
}
