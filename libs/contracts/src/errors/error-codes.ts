/**
 * Stable error codes. Clients switch on `code`; the HTTP status and title come from here so that
 * every service and the gateway agree. Never change a code's meaning; add a new one instead.
 */
export const ERROR_CATALOG = {
  VALIDATION_FAILED: { status: 400, title: 'The request is invalid' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  EMAIL_VERIFICATION_INVALID: {
    status: 400,
    title: 'The verification link is invalid, expired or already used',
  },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  /** A service's internal HTTP port got no valid `x-platform-principal` from the gateway (ADR 0007). */
  EDGE_PRINCIPAL_INVALID: { status: 401, title: 'The gateway-signed principal is missing or invalid' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  EMAIL_NOT_VERIFIED: { status: 403, title: 'Verify your email address first' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'Conflict' },
  /** A signed link whose signature verifies but whose expiry has passed (a forged one is FORBIDDEN). */
  DOWNLOAD_LINK_EXPIRED: { status: 410, title: 'The download link has expired' },
  /** tus `expiration`: the upload received no byte before its Upload-Expires; start a new one. */
  UPLOAD_EXPIRED: { status: 410, title: 'The upload has expired' },
  /** The object existed (its signed link verifies) but has been deleted since. */
  OBJECT_DELETED: { status: 410, title: 'The object has been deleted' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency key reused with a different request' },
  IDEMPOTENCY_KEY_IN_FLIGHT: { status: 409, title: 'A request with this idempotency key is in progress' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request was not received in time' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  /** tus checksum extension: the bytes do not match Upload-Checksum (also a chunk's SHA-256). */
  CHECKSUM_MISMATCH: { status: 460, title: 'Checksum mismatch' },
  /** tus: the client speaks a Tus-Resumable version the server does not. */
  TUS_VERSION_UNSUPPORTED: { status: 412, title: 'Unsupported tus version' },
  /** details.limit: { name, plan, max, usage }. 403 rather than 402 (reserved in RFC 9110). */
  PLAN_LIMIT_REACHED: { status: 403, title: 'Plan limit reached' },
  /** A per-user cap that is not a plan's (organizations owned); details.limit: { name, max, usage }. */
  ACCOUNT_LIMIT_REACHED: { status: 403, title: 'Account limit reached' },
  /** The organization's subscription is suspended for non-payment (gateway; auth and billing stay open). */
  ORGANIZATION_SUSPENDED: { status: 402, title: 'The organization is suspended for non-payment' },
  /** A provider webhook whose signature, timestamp or body does not verify. */
  WEBHOOK_SIGNATURE_INVALID: { status: 400, title: 'The webhook signature is invalid' },
  /** The payment provider refused or failed the operation (details.provider, details.providerCode). */
  PAYMENT_PROVIDER_ERROR: { status: 502, title: 'The payment provider failed the request' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  NOT_IMPLEMENTED: { status: 501, title: 'Not implemented' },
  INTERNAL: { status: 500, title: 'Internal error' },
  RPC_TIMEOUT: { status: 504, title: 'Upstream service timed out' },
  RPC_NO_ROUTE: { status: 503, title: 'No service handles this request' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOG, value);
}

/** Base of the problem `type` URIs (RFC 9457); each code gets `<base><code in kebab case>`. */
export const PROBLEM_TYPE_BASE = 'https://docs.platform.dev/problems/';
