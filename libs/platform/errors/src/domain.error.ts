import type { ErrorCode } from '@platform/contracts';

/**
 * An expected failure of a use case. The `code` (from ERROR_CATALOG in @platform/contracts) is the
 * contract: it crosses RPC unchanged and the gateway derives the HTTP status and title from it, so
 * domain code never picks a status itself. `message` is shown to clients as the problem `detail`,
 * so it must not carry secrets or internals.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  // `declare`: no class-field emit, so an error without details has no `details` key at all.
  declare readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    // new.target keeps the subclass name (NotFoundError, RemoteError...) in logs and stack traces.
    this.name = new.target.name;
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
