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

/** A genuine signed link past its expiry (410): only a holder of a valid signature learns this. */
export class DownloadLinkExpiredError extends DomainError {
  constructor(expiredAt: Date) {
    super('DOWNLOAD_LINK_EXPIRED', 'The download link has expired; ask for a new one', {
      expiredAt: expiredAt.toISOString(),
    });
  }
}

/** tus `expiration` (410): an upload past its Upload-Expires; HEAD and PATCH say so until the sweep. */
export class UploadExpiredError extends DomainError {
  constructor(objectId: string, expiredAt: Date) {
    super('UPLOAD_EXPIRED', 'The upload has expired; start a new one', {
      objectId,
      expiredAt: expiredAt.toISOString(),
    });
  }
}

/** The object a genuine link (or event) names was deleted (410). */
export class ObjectDeletedError extends DomainError {
  constructor(objectId: string) {
    super('OBJECT_DELETED', 'The object has been deleted', { objectId });
  }
}
