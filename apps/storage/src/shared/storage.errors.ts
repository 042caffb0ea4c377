import type { PlanCode } from '@platform/contracts';
import { DomainError, PlanLimitReachedError } from '@platform/errors';

/** The storage service's expected failures; the code decides the HTTP status (ERROR_CATALOG). */
export class BadRequestError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('BAD_REQUEST', message, details);
  }
}

/** tus checksum extension (460) and the seed flow's per-chunk SHA-256. */
export class ChecksumMismatchError extends DomainError {
  constructor(algorithm: string, expected: string, actual: string) {
    super('CHECKSUM_MISMATCH', `The ${algorithm} of the received bytes does not match`, {
      algorithm,
      expected,
      actual,
    });
  }
}

/** The bytes are not one of the allowed audio formats, whatever the client claimed. */
export class UnsupportedContentError extends DomainError {
  constructor(allowed: readonly string[]) {
    super('UNSUPPORTED_MEDIA_TYPE', `The content is not an allowed audio format (${allowed.join(', ')})`, {
      allowed,
    });
  }
}

/** The plan's storage quota (details.limit as every plan limit: name, plan, max, usage). */
export class StorageQuotaExceededError extends PlanLimitReachedError {
  constructor(plan: PlanCode, maxBytes: number, usageBytes: number, requestedBytes: number) {
    super(
      { name: 'storageBytes', plan, max: maxBytes, usage: usageBytes },
      `The ${plan} plan stores at most ${maxBytes} bytes; ${usageBytes} are used and ${requestedBytes} more were asked for`,
      { requestedBytes },
    );
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string, maxBytes: number) {
    super('PAYLOAD_TOO_LARGE', message, { maxBytes });
  }
}
