import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { principalSchema, type Principal } from '@platform/contracts';
import { EdgePrincipalInvalidError } from './edge-principal.error';

/**
 * The header that carries the caller's principal from the gateway to a service's internal HTTP port
 * (stream and websocket routes). The gateway removes any client-sent value before it signs its own.
 */
export const EDGE_PRINCIPAL_HEADER = 'x-platform-principal';

/** Longest life of a token: one request, plus the time its first bytes take to arrive. */
export const EDGE_PRINCIPAL_MAX_TTL_SECONDS = 60;

/** Shorter secrets are refused: HS256 is only as strong as its key (RFC 7518 §3.2: ≥ 256 bits). */
export const EDGE_PRINCIPAL_MIN_SECRET_BYTES = 32;

/** Leeway for clock drift between the gateway's and the service's hosts. */
const CLOCK_TOLERANCE_SECONDS = 5;

export interface EdgePrincipalClaims {
  /** The owning service the request is for (`aud`). */
  audience: string;
  /** HTTP method of the forwarded request (`htm`), compared upper-case. */
  method: string;
  /** Request path without the query (`htp`), exactly as forwarded (not decoded). */
  path: string;
  /** The gateway's request id (`jti`), so a service's logs join the gateway's. */
  requestId: string;
  principal: Principal;
}

export interface SignEdgePrincipalOptions extends EdgePrincipalClaims {
  secret: string;
  now?: Date;
  /** At most EDGE_PRINCIPAL_MAX_TTL_SECONDS (the default). */
  ttlSeconds?: number;
}

export interface VerifyEdgePrincipalOptions {
  secret: string;
  /** The verifying service's own name. */
  audience: string;
  method: string;
  /** The request's path; a query string, if passed, is ignored. */
  path: string;
  now?: Date;
}

export interface VerifiedEdgePrincipal {
  principal: Principal;
  requestId: string;
}

export function edgePrincipalKey(secret: string): Uint8Array {
  const key = new TextEncoder().encode(secret);
  if (key.length < EDGE_PRINCIPAL_MIN_SECRET_BYTES) {
    throw new Error(`EDGE_PRINCIPAL_SECRET must be at least ${EDGE_PRINCIPAL_MIN_SECRET_BYTES} bytes`);
  }
  return key;
}

/** The path a token is bound to: no query, so `?offset=` style parameters do not need re-signing. */
export function edgePrincipalPath(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** Signs the principal of one request for one service (the gateway side). */
export async function signEdgePrincipal(options: SignEdgePrincipalOptions): Promise<string> {
  const ttl = options.ttlSeconds ?? EDGE_PRINCIPAL_MAX_TTL_SECONDS;
  if (ttl <= 0 || ttl > EDGE_PRINCIPAL_MAX_TTL_SECONDS) {
    throw new Error(`An edge principal lives 1..${EDGE_PRINCIPAL_MAX_TTL_SECONDS} s, not ${ttl}`);
  }
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({
    htm: options.method.toUpperCase(),
    htp: edgePrincipalPath(options.path),
    principal: options.principal,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(options.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttl)
    .setJti(options.requestId)
    .sign(edgePrincipalKey(options.secret));
}

/**
 * Verifies a token against the service's own name and the request it arrived with: a token for
 * another service, method or path (a replayed or redirected one) is refused, as is one that lives
 * longer than the maximum even if its own `exp` says otherwise. Every refusal is the same error type;
 * its message says why (for logs; clients only see the code).
 */
export async function verifyEdgePrincipal(
  token: string | undefined,
  options: VerifyEdgePrincipalOptions,
): Promise<VerifiedEdgePrincipal> {
  if (!token) throw new EdgePrincipalInvalidError('missing');
  const key = edgePrincipalKey(options.secret);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      audience: options.audience,
      currentDate: options.now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'iat', 'jti'],
    }));
  } catch (error) {
    throw new EdgePrincipalInvalidError(reasonOf(error));
  }
  const { exp, iat, jti, htm, htp } = payload;
  if (typeof exp !== 'number' || typeof iat !== 'number' || exp - iat > EDGE_PRINCIPAL_MAX_TTL_SECONDS) {
    throw new EdgePrincipalInvalidError('lifetime longer than allowed');
  }
  if (htm !== options.method.toUpperCase()) throw new EdgePrincipalInvalidError('method mismatch');
  if (htp !== edgePrincipalPath(options.path)) throw new EdgePrincipalInvalidError('path mismatch');
  const principal = principalSchema.safeParse(payload.principal);
  if (!principal.success) throw new EdgePrincipalInvalidError('malformed principal');
  return { principal: principal.data, requestId: String(jti) };
}

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim ${error.claim} invalid`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  return 'malformed';
}
