/** AZUL did not answer within the client's budget. The outcome of a charge is UNKNOWN: it may have happened. */
export class AzulTimeoutError extends Error {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`AZUL ${operation} did not answer within ${timeoutMs} ms; the outcome is unknown`);
    this.name = 'AzulTimeoutError';
  }
}

/** AZUL could not be reached or answered something that is not its JSON (5xx page, TLS failure, reset). */
export class AzulUnavailableError extends Error {
  constructor(
    readonly operation: string,
    readonly reason: string,
    /** True when the request provably never reached AZUL (connection refused, TLS handshake failed). */
    readonly notSent: boolean,
  ) {
    super(`AZUL ${operation} unavailable: ${reason}`);
    this.name = 'AzulUnavailableError';
  }
}

/**
 * AZUL answered ResponseCode "Error": the request was not processed (validation, authentication,
 * certificate, state). `description` is AZUL's ErrorDescription, e.g. `VALIDATION_ERROR:Amount`,
 * `INVALID_AUTH:Auth`, `MISSING_CLIENT_CERT`, `Original transaction is invalid or has already been voided`.
 */
export class AzulRejectedError extends Error {
  constructor(
    readonly operation: string,
    readonly description: string,
  ) {
    super(`AZUL ${operation} rejected: ${description}`);
    this.name = 'AzulRejectedError';
  }
}

/** Errors that say AZUL is unwell (count against the circuit breaker), as opposed to AZUL answering. */
export function isAzulOutage(error: unknown): boolean {
  return error instanceof AzulTimeoutError || error instanceof AzulUnavailableError;
}
