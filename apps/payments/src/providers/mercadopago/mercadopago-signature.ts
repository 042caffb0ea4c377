import { InvalidWebhookSignatureError, SignatureFailureReason, WebhookSignatureValidator } from 'mercadopago';

/**
 * Mercado Pago signs each webhook notification with the application's secret (Your integrations →
 * Webhooks) in the `x-signature` header: `ts=<timestamp>,v1=<hex HMAC-SHA256>`. What is signed is not
 * the body but a manifest built from three values:
 *
 *   id:<data.id from the URL query>;request-id:<x-request-id header>;ts:<ts>;
 *
 * where data.id is lower-cased when alphanumeric, and a part whose value is absent from the
 * notification is left out of the manifest. (developers' "Validate notification origin" section.)
 *
 * The HMAC itself is checked by the official SDK's WebhookSignatureValidator (constant time). We add
 * what it leaves to the caller: lower-casing an alphanumeric data.id, and the replay window, which
 * the SDK computes in seconds only while notifications carry ts in milliseconds.
 */
export interface MercadoPagoSignatureInput {
  /** The raw `x-signature` header. */
  signature: string | undefined;
  /** The raw `x-request-id` header. */
  requestId: string | undefined;
  /** `data.id` from the notification URL's query string (NOT the JSON body). */
  dataId: string | undefined;
}

export type SignatureVerdict =
  | { valid: true; ts: number }
  | { valid: false; reason: 'missing-signature' | 'malformed' | 'bad-signature' | 'stale-timestamp' };

/**
 * ts is milliseconds since the epoch in Mercado Pago's notifications (seconds in older examples):
 * a value below 10^12 is read as seconds.
 */
function tsToMs(ts: string): number {
  const value = Number(ts);
  return value < 1e12 ? value * 1000 : value;
}

/**
 * The ts the SDK's HMAC covered. The SDK keeps the LAST `ts=` part, so with two parts
 * (`ts=<now>,ts=<captured>,v1=<captured hash>`) the captured HMAC verifies while a reader of the first
 * part would see a fresh time: a replay past the window. Mercado Pago sends exactly one, so any other
 * count is refused. Keys are matched as the SDK does: trimmed, case-insensitive, a whole key (`xts` is
 * not `ts`). Number() ignores the spaces around the value.
 */
function signedTs(header: string): string | undefined {
  const values = header
    .split(',')
    .filter((part) => /^\s*ts\s*=/i.test(part))
    .map((part) => part.slice(part.indexOf('=') + 1));
  return values.length === 1 ? values[0] : undefined;
}

/**
 * Verifies a notification's x-signature with the webhook secret, in constant time, and refuses a ts
 * older (or further in the future) than `toleranceSeconds`: a captured notification cannot be replayed.
 */
export function verifyMercadoPagoSignature(
  input: MercadoPagoSignatureInput,
  secret: string,
  now: Date,
  toleranceSeconds: number,
): SignatureVerdict {
  // Only an alphanumeric data.id is lower-cased (Mercado Pago's rule); others are signed as sent.
  const dataId =
    input.dataId && /^[a-z0-9]+$/i.test(input.dataId) ? input.dataId.toLowerCase() : input.dataId;
  try {
    WebhookSignatureValidator.validate({
      xSignature: input.signature,
      xRequestId: input.requestId,
      dataId,
      secret,
    });
  } catch (error) {
    if (!(error instanceof InvalidWebhookSignatureError)) throw error;
    if (error.reason === SignatureFailureReason.MissingSignatureHeader)
      return { valid: false, reason: 'missing-signature' };
    if (error.reason === SignatureFailureReason.SignatureMismatch)
      return { valid: false, reason: 'bad-signature' };
    return { valid: false, reason: 'malformed' };
  }
  // Valid, so the header is a string holding `ts=<digits>`.
  const ts = signedTs(String(input.signature));
  if (ts === undefined) return { valid: false, reason: 'malformed' };
  const tsMs = tsToMs(ts);
  if (Math.abs(now.getTime() - tsMs) > toleranceSeconds * 1000)
    return { valid: false, reason: 'stale-timestamp' };
  return { valid: true, ts: tsMs };
}
