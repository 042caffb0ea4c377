import { decodeJwt } from 'jose';
import { accessTokenClaimsSchema, type AccessTokenClaims, type Principal } from '@platform/contracts';

/** What the gateway puts in the envelope for a user's access token with these claims. */
export function principalFromClaims(claims: AccessTokenClaims): Principal {
  return {
    kind: 'user',
    userId: claims.sub,
    organizationId: claims.org,
    roles: claims.roles,
    scopes: claims.scope ? claims.scope.split(' ') : [],
    apiKeyId: null,
    sessionId: claims.sid,
    tokenId: claims.jti,
    plan: claims.plan,
  };
}

/**
 * The principal of an access token auth just issued. Decoded, not verified: the token comes straight
 * from auth in a test; verifying it is the gateway's job and its own tests' (AuthTestApp verifies
 * against the JWKS where a suite is about the token itself).
 */
export function principalOfAccessToken(accessToken: string): Principal {
  return principalFromClaims(accessTokenClaimsSchema.parse(decodeJwt(accessToken)));
}
