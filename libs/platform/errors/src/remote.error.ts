import { isErrorCode, type RpcErrorPayload } from '@platform/contracts';
import { DomainError } from './domain.error';

/**
 * A failure reported by another service over RPC. It is a DomainError so that callers can rethrow it
 * and the gateway maps it like a local one; `pattern` says which call failed and `errorId` points at
 * the remote service's log line with the stack when the failure was unexpected there.
 */
export class RemoteError extends DomainError {
  readonly pattern: string;
  declare readonly errorId?: string;

  constructor(
    code: DomainError['code'],
    message: string,
    pattern: string,
    details?: unknown,
    errorId?: string,
  ) {
    super(code, message, details);
    this.pattern = pattern;
    if (errorId !== undefined) this.errorId = errorId;
  }
}

/**
 * Rebuilds the error from an RPC reply. A code this build does not know (a newer service, a contract
 * drift) becomes INTERNAL rather than being trusted, keeping the remote code in details for the logs.
 */
export function fromRpcError(payload: RpcErrorPayload, pattern: string): DomainError {
  if (isErrorCode(payload.code)) {
    return new RemoteError(payload.code, payload.message, pattern, payload.details, payload.errorId);
  }
  return new RemoteError(
    'INTERNAL',
    payload.message,
    pattern,
    { remoteCode: payload.code, remoteDetails: payload.details },
    payload.errorId,
  );
}
