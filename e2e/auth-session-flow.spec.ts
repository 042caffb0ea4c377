import type { TokenPair } from '@platform/contracts';
import { PASSWORD, register } from './support/accounts';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

/** The life of a session, end to end over HTTP: gateway → RabbitMQ → auth → PostgreSQL/Redis. */
describe('sessions through the gateway (whole platform, real infrastructure)', () => {
  // No reuse grace: the second presentation of a spent refresh token is a theft signal at once.
  const suite = usePlatform({ ...GENEROUS_LIMITS, REFRESH_REUSE_GRACE_SECONDS: '0' });

  it('register → login → profile → refresh → reusing the old refresh token revokes the family → logout → 401', async () => {
    const { api } = suite;
    const account = await register(api, 'flow');

    const login = await api.post<{ mfaRequired: boolean; tokens: TokenPair }>('/v1/auth/login', {
      json: { email: account.email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    expect(login.body.mfaRequired).toBe(false);
    const first = login.body.tokens;

    const profile = await api.get<{ user: { email: string }; organization: { id: string }; role: string }>(
      '/v1/auth/profile',
      { token: first.accessToken },
    );
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({
      user: { email: account.email },
      organization: { id: account.organizationId },
      role: 'owner',
    });
    expect(profile.headers.get('ratelimit-remaining')).toMatch(/^\d+$/);

    const refreshed = await api.post<TokenPair>('/v1/auth/refresh', {
      json: { refreshToken: first.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(first.refreshToken);
    expect((await api.get('/v1/auth/profile', { token: refreshed.body.accessToken })).status).toBe(200);

    // The spent token comes back: someone else has it. The whole family dies, the fresh pair included.
    const reuse = await api.post('/v1/auth/refresh', { json: { refreshToken: first.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(
      (await api.post('/v1/auth/refresh', { json: { refreshToken: refreshed.body.refreshToken } })).status,
    ).toBe(401);
    expect((await api.get('/v1/auth/profile', { token: refreshed.body.accessToken })).status).toBe(401);

    // A new login is a new family; logout ends it and its access token at once (not in 15 minutes).
    const again = await api.post<{ tokens: TokenPair }>('/v1/auth/login', {
      json: { email: account.email, password: PASSWORD },
    });
    const token = again.body.tokens.accessToken;
    expect((await api.get('/v1/auth/profile', { token })).status).toBe(200);
    const logout = await api.post('/v1/auth/logout', { token });
    expect(logout.status).toBe(200);

    const after = await api.get('/v1/auth/profile', { token });
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toContain('application/problem+json');
    expect(after.body).toMatchObject({ code: 'UNAUTHENTICATED', detail: expect.stringMatching(/revoked/) });
    expect(
      (await api.post('/v1/auth/refresh', { json: { refreshToken: again.body.tokens.refreshToken } })).status,
    ).toBe(401);
  });

  it('logout-all ends every session of the user', async () => {
    const { api } = suite;
    const account = await register(api, 'everywhere');
    const second = await api.post<{ tokens: TokenPair }>('/v1/auth/login', {
      json: { email: account.email, password: PASSWORD },
    });

    const all = await api.post<{ sessionsRevoked: number }>('/v1/auth/logout-all', {
      token: account.tokens.accessToken,
    });
    expect(all.status).toBe(200);
    expect(all.body.sessionsRevoked).toBeGreaterThanOrEqual(2);
    expect((await api.get('/v1/auth/profile', { token: account.tokens.accessToken })).status).toBe(401);
    expect((await api.get('/v1/auth/profile', { token: second.body.tokens.accessToken })).status).toBe(401);
  });

  it('updates the profile and changes the password (old one refused, new one works)', async () => {
    const { api } = suite;
    const account = await register(api, 'profile');
    const updated = await api.call<{ user: { name: string } }>('PUT', '/v1/auth/profile', {
      token: account.tokens.accessToken,
      json: { name: 'Renamed Person' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.user.name).toBe('Renamed Person');

    const newPassword = 'another long passphrase';
    const changed = await api.post('/v1/auth/password/change', {
      token: account.tokens.accessToken,
      json: { currentPassword: PASSWORD, newPassword },
    });
    expect(changed.status).toBe(200);
    expect(
      (await api.post('/v1/auth/login', { json: { email: account.email, password: PASSWORD } })).status,
    ).toBe(401);
    expect(
      (await api.post('/v1/auth/login', { json: { email: account.email, password: newPassword } })).status,
    ).toBe(200);
  });

  it('resets a forgotten password with the emailed token', async () => {
    const { api, platform } = suite;
    const account = await register(api, 'forgetful');
    const request = await api.post('/v1/auth/password/reset', { json: { email: account.email } });
    expect(request.status).toBe(202);
    // Unknown addresses get the same answer: the endpoint never tells who has an account.
    expect(
      (await api.post('/v1/auth/password/reset', { json: { email: 'nobody-here@example.com' } })).status,
    ).toBe(202);

    const mail = await platform.mail.waitForMessage(account.email, { subject: /reset/i, timeoutMs: 10_000 });
    const token = new URL(mail.links.find((link) => link.includes('token='))!).searchParams.get('token')!;
    const newPassword = 'a brand new passphrase';
    const confirm = await api.post('/v1/auth/password/reset/confirm', { json: { token, newPassword } });
    expect(confirm.status).toBe(200);
    expect(
      (await api.post('/v1/auth/login', { json: { email: account.email, password: newPassword } })).status,
    ).toBe(200);
  });

  it('serves the JWKS the tokens are signed with', async () => {
    const { api } = suite;
    const account = await register(api, 'jwks');
    const jwks = await api.get<{ keys: { kid: string; alg: string }[] }>('/.well-known/jwks.json');
    const kid = JSON.parse(Buffer.from(account.tokens.accessToken.split('.')[0]!, 'base64url').toString())
      .kid as string;

    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    expect(jwks.body.keys.map((k) => k.kid)).toContain(kid);
    expect(jwks.body.keys.every((k) => k.alg === 'RS256')).toBe(true);
  });
});
