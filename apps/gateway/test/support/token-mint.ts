import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWK, type KeyLike } from 'jose';
import type { AccessTokenClaims } from '@platform/contracts';

export interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
  publicJwk: JWK;
  publicPem: string;
}

export async function createSigningKey(kid = `test-${randomUUID().slice(0, 8)}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' },
    publicPem: await exportSPKI(publicKey),
  };
}

export const TEST_ISSUER = 'https://auth.test.local';
export const TEST_AUDIENCE = 'platform-test-api';

export function claims(overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: randomUUID(),
    org: randomUUID(),
    roles: ['owner'],
    plan: 'FREE',
    sid: randomUUID(),
    jti: randomUUID(),
    iat: now,
    exp: now + 900,
    ...overrides,
  };
}

/** An RS256 access token as the auth service would sign it (claims and header overridable for attacks). */
export async function signAccessToken(
  key: SigningKey,
  payload: Partial<AccessTokenClaims> & Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims(payload))
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header })
    .sign(key.privateKey);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `alg: none`: a header and payload with an empty signature. */
export function unsignedToken(payload: Record<string, unknown>, kid: string): string {
  return `${b64url({ alg: 'none', typ: 'JWT', kid })}.${b64url(payload)}.`;
}

/** The classic key-confusion attack: HS256 with the RSA public key (PEM) as the HMAC secret. */
export async function hs256WithPublicKey(key: SigningKey, payload: Record<string, unknown>): Promise<string> {
  const { createHmac } = await import('node:crypto');
  const head = `${b64url({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${b64url(payload)}`;
  const signature = createHmac('sha256', key.publicPem).update(head).digest('base64url');
  return `${head}.${signature}`;
}

/** Changes one claim of a signed token and keeps the original signature. */
export function tamper(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${b64url({ ...decoded, ...changes })}.${signature}`;
}
