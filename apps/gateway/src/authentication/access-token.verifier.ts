import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type ProtectedHeaderParameters } from 'jose';
import {
  accessTokenClaimsSchema,
  principalFromClaims,
  type AccessTokenClaims,
  type Principal,
} from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { UnauthenticatedError } from '@platform/errors';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { JwksCache } from './jwks.cache';
import { TokenDenylist, type PendingRevocationCheck } from './token-denylist';
import { VerifiedTokenCache } from './verified-token.cache';

const INVALID = 'The access token is invalid';

/**
 * Verifies an access token locally: RS256 only (so `none` and HS256-with-the-public-key are refused
 * before any key is touched), a `kid` naming a key of the cached JWKS, signature, issuer, audience,
 * expiry (with JWT_CLOCK_TOLERANCE_SECONDS), the claim shape of the contracts, then the denylist.
 * A token already verified is taken from the VerifiedTokenCache (same key, not expired); the
 * denylist is checked on every request either way.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly verified: VerifiedTokenCache;

  constructor(
    private readonly jwks: JwksCache,
    private readonly denylist: TokenDenylist,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {
    this.verified = new VerifiedTokenCache(config.JWT_VERIFIED_CACHE_MAX_ENTRIES);
  }

  async verify(token: string): Promise<Principal> {
    const { principal, revocation } = await this.verifyDeferringRevocation(token);
    await revocation.run();
    return principal;
  }

  /**
   * Signature and claims now; the denylist check is handed back to run later, before anything is
   * done for the caller (RouteAdmission folds it into the rate-limit script: one Redis round trip).
   */
  async verifyDeferringRevocation(
    token: string,
  ): Promise<{ principal: Principal; expiresAtMs: number; revocation: PendingRevocationCheck }> {
    const digest = VerifiedTokenCache.digest(token);
    const claims =
      this.verified.get(digest, (kid) => this.jwks.currentKey(kid)) ??
      (await this.verifySignature(token, digest));
    return {
      principal: principalFromClaims(claims),
      expiresAtMs: claims.exp * 1000,
      revocation: this.denylist.pendingTokenCheck(claims.jti, claims.sid),
    };
  }

  private async verifySignature(token: string, digest: string): Promise<AccessTokenClaims> {
    const header = decodeHeader(token);
    if (header.alg !== 'RS256') throw new UnauthenticatedError(INVALID);
    if (typeof header.kid !== 'string' || header.kid.length === 0) throw new UnauthenticatedError(INVALID);
    const key = await this.jwks.keyFor(header.kid);
    if (!key) throw new UnauthenticatedError(INVALID);

    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ['RS256'],
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
        clockTolerance: this.config.JWT_CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw new UnauthenticatedError('The access token has expired');
      throw new UnauthenticatedError(INVALID);
    }
    const claims = accessTokenClaimsSchema.safeParse(payload);
    if (!claims.success) throw new UnauthenticatedError(INVALID);
    this.verified.set(digest, header.kid, key, claims.data);
    return claims.data;
  }
}

function decodeHeader(token: string): ProtectedHeaderParameters {
  try {
    return decodeProtectedHeader(token);
  } catch {
    throw new UnauthenticatedError(INVALID);
  }
}
