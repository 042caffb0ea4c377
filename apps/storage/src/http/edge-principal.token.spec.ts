import { randomUUID } from 'node:crypto';
import type { Principal } from '@platform/contracts';
import { signEdgePrincipalToken, verifyEdgePrincipalToken } from './edge-principal.token';

describe('edge principal token (x-platform-principal)', () => {
  const secret = 's'.repeat(32);
  const principal: Principal = {
    kind: 'user',
    userId: randomUUID(),
    organizationId: randomUUID(),
    roles: ['developer'],
    scopes: [],
    apiKeyId: null,
  };
  const request = { audience: 'storage', method: 'PATCH', path: '/v1/uploads/abc' };
  const sign = (overrides: Partial<Parameters<typeof signEdgePrincipalToken>[0]> = {}) =>
    signEdgePrincipalToken({ secret, principal, ...request, ...overrides });

  it('gives back the principal for the request it was signed for', async () => {
    expect(await verifyEdgePrincipalToken(await sign(), { secret, ...request })).toEqual(principal);
  });

  it.each([
    ['another audience', { audience: 'payments' }],
    ['another method', { method: 'DELETE' }],
    ['another path', { path: '/v1/uploads/other' }],
    ['a lifetime over 60 s', { lifetimeSeconds: 61 }],
  ])('refuses a token for %s', async (_label, overrides) => {
    await expect(
      verifyEdgePrincipalToken(await sign(overrides), { secret, ...request }),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('refuses an expired token, a forged one and garbage', async () => {
    const token = await sign({ lifetimeSeconds: 30 });
    const later = new Date(Date.now() + 31_000);
    await expect(verifyEdgePrincipalToken(token, { secret, ...request, now: later })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(
      verifyEdgePrincipalToken(await sign({ secret: 'x'.repeat(32) }), { secret, ...request }),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(verifyEdgePrincipalToken('a.b.c', { secret, ...request })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});
