import { generateKeyPairSync } from 'node:crypto';
import type { KeyLike } from 'jose';
import type { AccessTokenClaims } from '@platform/contracts';
import { VerifiedTokenCache } from './verified-token.cache';

const keyA = generateKeyPairSync('ed25519').publicKey as KeyLike;
const keyB = generateKeyPairSync('ed25519').publicKey as KeyLike;

function claims(expSeconds: number, jti = 'token-1'): AccessTokenClaims {
  return {
    iss: 'issuer',
    aud: 'platform-api',
    sub: 'user-1',
    org: '4f0c8a4e-2d3b-4c55-9a55-0c8b8d8f0a11',
    roles: ['owner'],
    plan: 'FREE',
    sid: 'session-1',
    jti,
    iat: expSeconds - 900,
    exp: expSeconds,
  };
}

describe('VerifiedTokenCache', () => {
  let nowMs = 1_000_000_000_000;
  const clock = () => nowMs;
  const keys = new Map<string, KeyLike>([['k1', keyA]]);
  const currentKey = (kid: string) => keys.get(kid);

  beforeEach(() => {
    nowMs = 1_000_000_000_000;
    keys.set('k1', keyA);
  });

  it('keys entries by the SHA-256 of the token, never the token itself', () => {
    expect(VerifiedTokenCache.digest('abc')).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  });

  it('answers the verified claims while the token is unexpired and its key unchanged', () => {
    const cache = new VerifiedTokenCache(10, clock);
    const verified = claims(nowMs / 1000 + 60);
    cache.set('d1', 'k1', keyA, verified);
    expect(cache.get('d1', currentKey)).toBe(verified);
    expect(cache.get('d2', currentKey)).toBeUndefined();
  });

  it('forgets a token at its own expiry, not later', () => {
    const cache = new VerifiedTokenCache(10, clock);
    cache.set('d1', 'k1', keyA, claims(nowMs / 1000 + 60));
    nowMs += 59_999;
    expect(cache.get('d1', currentKey)).toBeDefined();
    nowMs += 1;
    expect(cache.get('d1', currentKey)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never stores a token that has already expired', () => {
    const cache = new VerifiedTokenCache(10, clock);
    cache.set('d1', 'k1', keyA, claims(nowMs / 1000));
    expect(cache.size).toBe(0);
  });

  it('misses once the signing key was retired or replaced in the JWKS', () => {
    const cache = new VerifiedTokenCache(10, clock);
    cache.set('d1', 'k1', keyA, claims(nowMs / 1000 + 60));
    keys.set('k1', keyB); // re-fetched: another key object under the same kid
    expect(cache.get('d1', currentKey)).toBeUndefined();
    cache.set('d2', 'k1', keyB, claims(nowMs / 1000 + 60));
    keys.delete('k1'); // retired
    expect(cache.get('d2', currentKey)).toBeUndefined();
  });

  it('evicts the oldest entry beyond its bound, and caches nothing with a bound of 0', () => {
    const cache = new VerifiedTokenCache(2, clock);
    for (const digest of ['d1', 'd2', 'd3']) cache.set(digest, 'k1', keyA, claims(nowMs / 1000 + 60));
    expect(cache.size).toBe(2);
    expect(cache.get('d1', currentKey)).toBeUndefined();
    expect(cache.get('d3', currentKey)).toBeDefined();

    const off = new VerifiedTokenCache(0, clock);
    off.set('d1', 'k1', keyA, claims(nowMs / 1000 + 60));
    expect(off.size).toBe(0);
  });
});
