/**
 * Close codes passed from one side of a relayed socket to the other. A code a peer may send
 * (RFC 6455 §7.4: 1000–1003, 1007–1014, 3000–4999) is passed on as it is, with its reason; the codes
 * that only describe what happened locally are translated.
 */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  /** No close frame at all (1005 is never sent on the wire). */
  noStatus: 1005,
  /** The TCP connection dropped without a close frame. */
  abnormal: 1006,
  tooBig: 1009,
  internalError: 1011,
  /** RFC 6455 registry: the gateway's upstream failed (used when the service vanished). */
  badGateway: 1014,
  /** 4000–4999 is ours: 4408 = no data frame either way within the route's idle timeout. */
  idleTimeout: 4408,
  /**
   * The credential the socket was opened with was revoked (logout, session ended, key revoked) or
   * has expired: authenticate again and reconnect (4401, as HTTP 401).
   */
  credentialRevoked: 4401,
} as const;

function sendable(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** Reasons are at most 123 bytes in a close frame. */
export function closeReason(reason: Buffer | string): string {
  const text = Buffer.isBuffer(reason) ? reason.toString('utf8') : reason;
  return Buffer.byteLength(text) <= 123 ? text : '';
}

/** The client closed (or vanished): what the service is told. */
export function upstreamCodeForClientClose(code: number, reason: string): { code: number; reason: string } {
  if (code === CLOSE.noStatus) return { code: CLOSE.normal, reason: 'client closed' };
  // 1006 (the connection dropped without a close frame) is one of the codes nobody may send.
  if (!sendable(code)) return { code: CLOSE.goingAway, reason: 'client gone' };
  return { code, reason };
}

/** The service closed (or vanished): what the client is told. */
export function clientCodeForUpstreamClose(code: number, reason: string): { code: number; reason: string } {
  if (code === CLOSE.noStatus) return { code: CLOSE.normal, reason: 'service closed' };
  if (code === CLOSE.abnormal) return { code: CLOSE.badGateway, reason: 'service connection lost' };
  if (!sendable(code)) return { code: CLOSE.internalError, reason: 'service closed abnormally' };
  return { code, reason };
}
