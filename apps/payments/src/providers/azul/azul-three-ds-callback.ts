import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * AZUL sends no signed server-to-server webhooks. What reaches `POST /v1/webhooks/azul` are the
 * 3-D Secure 2.0 callbacks the cardholder's BROWSER posts on behalf of the issuer's ACS: the cRes to
 * the TermUrl (challenge done) and the method notification to the MethodNotificationUrl. Anyone can
 * post there, so each URL we hand AZUL carries a token we signed (HMAC-SHA256, AZUL_CALLBACK_SECRET)
 * naming the organization, the charge's idempotency key and an expiry. A post without a valid token
 * is refused before anything happens; with one, the cRes is only ever forwarded to AZUL
 * (ProcessThreeDSChallenge), which decides whether authentication succeeded.
 */
export interface ThreeDsCallbackClaims {
  organizationId: string;
  /** The charge's CustomOrderId. */
  idempotencyKey: string;
  kind: 'term' | 'method';
  /** Unix seconds after which the callback is refused (AZUL's 3DS sessions last minutes). */
  exp: number;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`azul-3ds-callback.${payload}`).digest();
}

export function signThreeDsCallback(secret: string, claims: ThreeDsCallbackClaims): string {
  const payload = b64url(JSON.stringify(claims));
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** `baseUrl?session=<token>` for the TermUrl or MethodNotificationUrl of one charge. */
export function threeDsCallbackUrl(baseUrl: string, secret: string, claims: ThreeDsCallbackClaims): string {
  const url = new URL(baseUrl);
  url.searchParams.set('session', signThreeDsCallback(secret, claims));
  return url.toString();
}

export type CallbackVerdict =
  | { valid: true; claims: ThreeDsCallbackClaims }
  | { valid: false; reason: 'missing-signature' | 'bad-signature' | 'stale-timestamp' | 'malformed' };

export function verifyThreeDsCallback(secret: string, token: string | undefined, now: Date): CallbackVerdict {
  if (!token) return { valid: false, reason: 'missing-signature' };
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { valid: false, reason: 'malformed' };
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { valid: false, reason: 'bad-signature' };
  let claims: ThreeDsCallbackClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ThreeDsCallbackClaims;
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (typeof claims.exp !== 'number' || !claims.organizationId || !claims.idempotencyKey) {
    return { valid: false, reason: 'malformed' };
  }
  if (now.getTime() / 1000 > claims.exp) return { valid: false, reason: 'stale-timestamp' };
  return { valid: true, claims };
}

/** The fields the ACS makes the browser post: `cRes` (+ threeDSSessionData) to TermUrl, `threeDSMethodData` to the method URL. */
export function parseThreeDsCallbackBody(rawBody: Buffer): { cRes?: string; threeDSMethodData?: string } {
  const form = new URLSearchParams(rawBody.toString('utf8'));
  return {
    cRes: form.get('cRes') ?? form.get('cres') ?? undefined,
    threeDSMethodData: form.get('threeDSMethodData') ?? undefined,
  };
}
