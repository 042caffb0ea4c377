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
    super('SERVICE_UNAVAILABLE', `RPC "${pattern}" was interrupted by a lost broker connection`, {
      pattern,
      retryAfterSeconds: BROKER_RETRY_AFTER_SECONDS,
    });
  }
}

/** Retry-After of broker outages: about one reconnect attempt at the capped backoff's start. */
const BROKER_RETRY_AFTER_SECONDS = 1;

/**
 * No broker connection right now (broker stopped, network cut): the call is refused at once instead
 * of waiting out its timeout — waiting would only turn an outage into a pile of 5 s requests.
 */
export class RpcBrokerUnavailableError extends DomainError {
  constructor(readonly pattern: string) {
    super('SERVICE_UNAVAILABLE', `RPC "${pattern}" cannot be sent: no connection to the message broker`, {
      pattern,
      retryAfterSeconds: BROKER_RETRY_AFTER_SECONDS,
    });
  }
}
