import { decodeJwt } from 'jose';
import { accessTokenClaimsSchema, principalFromClaims, type Principal } from '@platform/contracts';

/**
 * The principal of an access token auth just issued. Decoded, not verified: the token comes straight
 * from auth in a test; verifying it is the gateway's job and its own tests' (AuthTestApp verifies
 * against the JWKS where a suite is about the token itself).
 */
export function principalOfAccessToken(accessToken: string): Principal {
  return principalFromClaims(accessTokenClaimsSchema.parse(decodeJwt(accessToken)));
}
