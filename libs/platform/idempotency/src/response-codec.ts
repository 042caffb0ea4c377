/**
 * How a command's answer is kept in the idempotency ledgers for its replay. The default keeps it as
 * JSON; a command whose answer holds a secret shown once (a new API key) gives a codec that seals it,
 * so the ledger never holds the secret in clear for its 24 hours.
 */
export interface ResponseCodec {
  /** What is stored (any JSON value); `context` binds it to its command (it opens only as that command's answer). */
  seal(response: unknown, context: string): unknown;
  open(stored: unknown, context: string): unknown;
}
