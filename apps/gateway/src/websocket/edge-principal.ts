import { SignJWT } from 'jose';
import type { Principal } from '@platform/contracts';

/**
 * `x-platform-principal` as docs/notes DESIGN specifies it (HS256 with EDGE_PRINCIPAL_SECRET; `aud`
 * the owning service, `htm`/`htp` the method and path, `exp` ≤ 60 s, `jti` the request id).
 * TODO(merge): replace with `signEdgePrincipal` of `@platform/edge-principal` (H1) once on main —
 * this file exists only so the websocket kind does not wait for that library.
 */
export const EDGE_PRINCIPAL_HEADER = 'x-platform-principal';
const LIFETIME_SECONDS = 60;

export async function signEdgePrincipalHeader(input: {
  secret: string;
  audience: string;
  method: string;
  path: string;
  requestId: string;
  principal: Principal;
}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ htm: input.method, htp: input.path, principal: input.principal })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(input.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + LIFETIME_SECONDS)
    .setJti(input.requestId)
    .sign(new TextEncoder().encode(input.secret));
}
