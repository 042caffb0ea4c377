import { z } from 'zod';
import { ROLES } from './roles';
import { PLAN_CODES } from '../billing/plans';
import type { Principal } from '../rpc/envelope';

/** Access tokens: RS256 JWTs, 15 minutes, `kid` header; verified by the gateway against the JWKS. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Signing keys rotate every 7 days; a retired key keeps verifying until its last token expired. */
export const SIGNING_KEY_ROTATION_SECONDS = 7 * 24 * 3600;
/** Refresh tokens are opaque, stored hashed, rotated on every use. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
/** A spent refresh token presented again within this window (a client's concurrent retry) gets the
 * same successor instead of revoking the family. */
export const REFRESH_REUSE_GRACE_SECONDS = 10;

/** Claims of an access token. `org`/`roles`/`plan` are those of the organization the session is in. */
export const accessTokenClaimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: z.string(),
  org: z.string(),
  roles: z.array(z.enum(ROLES)),
  plan: z.enum(PLAN_CODES),
  scope: z.string().optional(),
  sid: z.string(),
  jti: z.string(),
  iat: z.number(),
  exp: z.number(),
});
export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

/**
 * The principal the gateway puts in the envelope for a verified access token with these claims
 * (here so that the gateway and the test kit build it the same way).
 */
export function principalFromClaims(claims: AccessTokenClaims): Principal {
  return {
    kind: 'user',
    userId: claims.sub,
    organizationId: claims.org,
    roles: claims.roles,
    scopes: claims.scope ? claims.scope.split(' ').filter(Boolean) : [],
    apiKeyId: null,
    sessionId: claims.sid,
    tokenId: claims.jti,
    plan: claims.plan,
  };
}

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
});
export type TokenPair = z.infer<typeof tokenPairSchema>;

/** Redis keys of the access-token and API-key denylist (shared by auth, which writes, and the gateway, which reads). */
export const denylistKeys = {
  token: (jti: string) => `auth:denylist:jti:${jti}`,
  session: (sid: string) => `auth:denylist:sid:${sid}`,
  /** A revoked API key (any path: revoke, member removed or left); the gateway checks it on a cache hit. */
  apiKey: (apiKeyId: string) => `auth:denylist:api-key:${apiKeyId}`,
  /** A replaced organization code, by its fingerprint; the gateway checks it on a cache hit. */
  organizationCode: (fingerprint: string) => `auth:denylist:org-code:${fingerprint}`,
};

export const jwkSchema = z.object({
  kty: z.literal('RSA'),
  kid: z.string(),
  use: z.literal('sig'),
  alg: z.literal('RS256'),
  n: z.string(),
  e: z.string(),
});
export const jwksSchema = z.object({ keys: z.array(jwkSchema) });
export type Jwks = z.infer<typeof jwksSchema>;
