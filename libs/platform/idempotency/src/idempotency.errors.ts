import { DomainError } from '@platform/errors';

/** 422: the key was used for another request (other data or another command) within 24 h. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request');
  }
}

/** 409: the first request with this key has not finished; retry later with the same key. */
export class IdempotencyKeyInFlightError extends DomainError {
  constructor() {
    super('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still in progress');
  }
}
