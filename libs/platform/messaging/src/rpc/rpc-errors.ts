import { DomainError } from '@platform/errors';

/** The callee did not answer in time: at-most-once direct reply-to means the caller must give up. */
export class RpcTimeoutError extends DomainError {
  constructor(
    readonly pattern: string,
    timeoutMs: number,
  ) {
    super('RPC_TIMEOUT', `RPC "${pattern}" got no reply within ${timeoutMs} ms`, { pattern, timeoutMs });
  }
}

/** No queue is bound to the pattern: no deployed service handles it. */
export class RpcNoRouteError extends DomainError {
  constructor(readonly pattern: string) {
    super('RPC_NO_ROUTE', `No service handles RPC "${pattern}"`, { pattern });
  }
}

/** The connection dropped while the call was in flight; its reply can never arrive. */
export class RpcConnectionLostError extends DomainError {
  constructor(readonly pattern: string) {
    super('SERVICE_UNAVAILABLE', `RPC "${pattern}" was interrupted by a lost broker connection`, { pattern });
  }
}
