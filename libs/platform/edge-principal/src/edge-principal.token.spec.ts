import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Principal } from '@platform/contracts';
import { EdgePrincipalInvalidError } from './edge-principal.error';
import { edgePrincipalPath, signEdgePrincipal, verifyEdgePrincipal } from './edge-principal.token';

const secret = randomBytes(32).toString('base64url');
const principal: Principal = {
  kind: 'user',
  userId: '6f7c1f52-1b0e-4d4f-9a51-0c8a3f0d2b11',
  organizationId: '0b6f3c8e-5d1a-4c2f-8e7b-2a9d4f6c1e35',
  roles: ['developer'],
  scopes: [],
  apiKeyId: null,
};
const issuedAt = new Date('2026-11-29T12:00:00Z');
const request = { audience: 'storage', method: 'PATCH', path: '/v1/uploads/abc', requestId: 'req-1' };

const sign = (overrides: Partial<Parameters<typeof signEdgePrincipal>[0]> = {}) =>
  signEdgePrincipal({ secret, principal, now: issuedAt, ...request, ...overrides });
const verify = (
  token: string | undefined,
  overrides: Partial<Parameters<typeof verifyEdgePrincipal>[1]> = {},
) => verifyEdgePrincipal(token, { secret, now: issuedAt, ...request, ...overrides });

async function refusal(attempt: Promise<unknown>): Promise<EdgePrincipalInvalidError> {
  const error = await attempt.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EdgePrincipalInvalidError);
  const refused = error as EdgePrincipalInvalidError;
  expect(refused.code).toBe('EDGE_PRINCIPAL_INVALID');
  return refused;
}

describe('edge principal token', () => {
  it('round-trips the principal and the request id for the same service, method and path', async () => {
    const verified = await verify(await sign());
    expect(verified).toEqual({ principal, requestId: 'req-1' });
  });

  it('binds the path without its query, and compares the method case-insensitively', async () => {
    const token = await sign({ method: 'patch', path: '/v1/uploads/abc?offset=5' });
    await expect(verify(token, { method: 'PATCH', path: '/v1/uploads/abc?other=1' })).resolves.toEqual({
      principal,
      requestId: 'req-1',
    });
    expect(edgePrincipalPath('/a/b?c=d#e')).toBe('/a/b');
    expect(edgePrincipalPath('/a/b')).toBe('/a/b');
  });

  it('refuses a missing token', async () => {
    expect((await refusal(verify(undefined))).reason).toBe('missing');
    expect((await refusal(verify(''))).reason).toBe('missing');
  });

  it('refuses an expired token (60 s + 5 s skew after issue) but not one within the skew', async () => {
    const token = await sign();
    await expect(verify(token, { now: new Date(issuedAt.getTime() + 64_000) })).resolves.toBeTruthy();
    expect((await refusal(verify(token, { now: new Date(issuedAt.getTime() + 66_000) }))).reason).toBe(
      'expired',
    );
  });

  it('refuses a token signed for another service', async () => {
    const token = await sign({ audience: 'payments' });
    expect((await refusal(verify(token))).reason).toBe('claim aud invalid');
  });

  it('refuses a token presented with another method or path', async () => {
    const token = await sign();
    expect((await refusal(verify(token, { method: 'DELETE' }))).reason).toBe('method mismatch');
    expect((await refusal(verify(token, { path: '/v1/uploads/other' }))).reason).toBe('path mismatch');
  });

  it('refuses a tampered token: changed payload, or signed with another secret', async () => {
    const token = await sign();
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    claims.principal.organizationId = '11111111-1111-4111-8111-111111111111';
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect((await refusal(verify(forged))).reason).toBe('bad signature');

    const otherSecret = await sign({ secret: randomBytes(32).toString('base64url') });
    expect((await refusal(verify(otherSecret))).reason).toBe('bad signature');
    expect((await refusal(verify('not.a.jwt'))).reason).toBe('malformed');
  });

  it('refuses a validly signed token that lives longer than 60 s or carries no valid principal', async () => {
    const key = new TextEncoder().encode(secret);
    const iat = Math.floor(issuedAt.getTime() / 1000);
    const base = { htm: 'PATCH', htp: '/v1/uploads/abc' };
    const longLived = await new SignJWT({ ...base, principal })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('storage')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .setJti('req-1')
      .sign(key);
    expect((await refusal(verify(longLived))).reason).toBe('lifetime longer than allowed');

    const noPrincipal = await new SignJWT({ ...base, principal: { kind: 'root' } })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('storage')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 30)
      .setJti('req-1')
      .sign(key);
    expect((await refusal(verify(noPrincipal))).reason).toBe('malformed principal');
  });

  it('never signs with a short secret or a lifetime above the maximum', async () => {
    await expect(sign({ secret: 'short' })).rejects.toThrow(/at least 32 bytes/);
    await expect(sign({ ttlSeconds: 61 })).rejects.toThrow(/1\.\.60 s/);
  });
});
