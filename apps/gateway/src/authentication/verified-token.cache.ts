import { createHash } from 'node:crypto';
import type { KeyLike } from 'jose';
import type { AccessTokenClaims } from '@platform/contracts';

interface VerifiedToken {
  claims: AccessTokenClaims;
  kid: string;
  /** The JWKS key object the signature was checked with. */
  key: KeyLike;
  expiresAtMs: number;
}

/**
 * Access tokens whose signature and claims were already verified, so that a client's next requests
 * with the same token skip the RSA verification (the gateway's largest CPU cost per request).
 *
 * What a hit still requires: the token has not expired (the entry lives until the token's own `exp`,
 * never longer), and its signing key is still the one the JWKS cache holds (a key retired or
 * re-fetched invalidates every entry verified with it). The denylist (logout, revoked sessions) is
 * NOT cached: the verifier checks it on every request, hit or miss. Keyed by the SHA-256 of the token,
 * so the process's memory does not hold bearer tokens. Bounded (oldest entries evicted first); a
 * refused token is never cached, so made-up tokens cannot fill it.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  static digest(token: string): string {
    return createHash('sha256').update(token).digest('base64');
  }

  /** The verified claims of `digest`, if its entry is unexpired and `currentKey` is still its key. */
  get(digest: string, currentKey: (kid: string) => KeyLike | undefined): AccessTokenClaims | undefined {
    const entry = this.entries.get(digest);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.now() || currentKey(entry.kid) !== entry.key) {
      this.entries.delete(digest);
      return undefined;
    }
    return entry.claims;
  }

  set(digest: string, kid: string, key: KeyLike, claims: AccessTokenClaims): void {
    if (this.maxEntries === 0) return;
    const expiresAtMs = claims.exp * 1000;
    if (expiresAtMs <= this.now()) return;
    this.entries.delete(digest);
    if (this.entries.size >= this.maxEntries) {
      // Map iteration is insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(digest, { claims, kid, key, expiresAtMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
