import type { IncomingHttpHeaders } from 'node:http';
import { decodeJwt } from 'jose';
import { readCredential } from '../authentication/credentials';

/**
 * When an access token stops being valid (its `exp`, ms since the epoch). Read only after
 * authentication accepted the token, so the claims are the verified ones; decoding is all that is
 * left to do.
 */
export function accessTokenExpiryMs(token: string): number | undefined {
  const { exp } = decodeJwt(token);
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

/**
 * The expiry of the credential in the ordinary headers: a bearer token's `exp`. API keys and
 * organization codes have none here (a revoked key closes its sockets through the denylist).
 */
export function headerCredentialExpiryMs(headers: IncomingHttpHeaders): number | undefined {
  const credential = readCredential(headers);
  return credential.kind === 'bearer' ? accessTokenExpiryMs(credential.token) : undefined;
}
