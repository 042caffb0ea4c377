import { jwtVerify, SignJWT } from 'jose';
import { principalSchema, type Principal } from '@platform/contracts';
import { UnauthenticatedError } from '@platform/errors';

/** The longest lifetime a gateway may give the token (DESIGN: exp ≤ 60 s). */
const MAX_LIFETIME_SECONDS = 60;

export interface EdgeTokenCheck {
  secret: string;
  audience: string;
  method: string;
  path: string;
  now?: Date;
}

/**
 * Verifies the compact HS256 JWT of DESIGN.md: `aud` = this service, `htm`/`htp` = this request's
 * method and path (a token for one request cannot be replayed on another), `exp` at most 60 s after
 * `iat`, and `principal` a valid platform Principal. Interim copy of `@platform/edge-principal`
 * (helper H1), to be replaced by it.
 */
export async function verifyEdgePrincipalToken(token: string, check: EdgeTokenCheck): Promise<Principal> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(check.secret), {
      algorithms: ['HS256'],
      audience: check.audience,
      currentDate: check.now,
      requiredClaims: ['exp', 'iat', 'htm', 'htp', 'principal'],
    });
    if (payload.htm !== check.method.toUpperCase() || payload.htp !== check.path) throw new Error('binding');
    if ((payload.exp ?? 0) - (payload.iat ?? 0) > MAX_LIFETIME_SECONDS) throw new Error('lifetime');
    return principalSchema.parse(payload.principal);
  } catch {
    throw new UnauthenticatedError('The edge principal is invalid or expired');
  }
}

/** What the gateway does per forwarded request (used by storage's tests and bench until H1's lib). */
export async function signEdgePrincipalToken(input: {
  secret: string;
  audience: string;
  method: string;
  path: string;
  principal: Principal;
  requestId?: string;
  lifetimeSeconds?: number;
}): Promise<string> {
  const jwt = new SignJWT({ htm: input.method.toUpperCase(), htp: input.path, principal: input.principal })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(input.audience)
    .setIssuedAt()
    .setExpirationTime(`${input.lifetimeSeconds ?? 30}s`);
  if (input.requestId) jwt.setJti(input.requestId);
  return jwt.sign(new TextEncoder().encode(input.secret));
}
