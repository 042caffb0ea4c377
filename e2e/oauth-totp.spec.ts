import { authenticator } from 'otplib';
import type { TokenPair } from '@platform/contracts';
import {
  startFakeGitHub,
  startFakeOidcProvider,
  type FakeGitHub,
  type FakeOidcProvider,
  oauthEnvFor,
} from '@platform/testing';
import { ensureVerified, PASSWORD, register, uniqueEmail } from './support/accounts';
import { PlatformHarness } from './platform-harness';
import { ApiClient } from './support/api-client';
import { GENEROUS_LIMITS } from './support/platform';

/** The web app's callback page (the fakes accept any loopback redirect URI). */
const APP_ORIGIN = 'http://127.0.0.1:45680';
const REDIRECT_URI = `${APP_ORIGIN}/oauth/callback`;
/** The TOTP code `offset` 30 s steps from now (auth accepts ±1 step; a code is good once). */
const codeAt = (secret: string, offset = 0) =>
  authenticator.clone({ epoch: Date.now() + offset * 30_000 }).generate(secret);

type Provider = 'google' | 'microsoft' | 'github';

/** Wrong second-factor codes an account may get per window (the production defaults, written out). */
const SECOND_FACTOR_MAX_FAILURES = 5;
const SECOND_FACTOR_WINDOW_SECONDS = 900;

/** Second factors and social login, end to end through the gateway against local providers. */
describe('OAuth login and TOTP through the gateway (whole platform, local providers)', () => {
  const platform = new PlatformHarness();
  let api: ApiClient;
  let fakes: Record<Provider, FakeOidcProvider | FakeGitHub>;

  beforeAll(async () => {
    const [google, microsoft, github] = await Promise.all([
      startFakeOidcProvider(),
      startFakeOidcProvider(),
      startFakeGitHub(),
    ]);
    fakes = { google, microsoft, github };
    await platform.start({
      ...GENEROUS_LIMITS,
      LOG_LEVEL: 'error',
      OAUTH_ALLOWED_REDIRECT_ORIGINS: APP_ORIGIN,
      ...oauthEnvFor({ google, microsoft, github }),
    });
    api = new ApiClient(platform.gateway.url);
  }, 120_000);
  afterAll(async () => {
    await platform.stop();
    await Promise.all(Object.values(fakes ?? {}).map((fake) => fake.close()));
  }, 60_000);

  /** Authorize through the gateway, sign in at the provider, come back to the gateway's callback. */
  async function oauthLogin(provider: Provider) {
    const start = await api.get<{ authorizationUrl: string; state: string }>(
      `/v1/auth/oauth/${provider}/authorize`,
      {
        query: { redirectUri: REDIRECT_URI },
      },
    );
    expect(start.status).toBe(200);
    const back = await fakes[provider].followAuthorization(start.body.authorizationUrl);
    expect(back.state).toBe(start.body.state);
    // The browser lands on the web app, which hands the query to the gateway as it came.
    const query = Object.fromEntries(new URL(back.redirectedTo).searchParams);
    return api.get<{ tokens: TokenPair; created: boolean }>(`/v1/auth/oauth/${provider}/callback`, { query });
  }

  it.each(['google', 'microsoft'] as const)(
    '%s (OIDC): signs a new person up, then in, with working tokens',
    async (provider) => {
      const email = uniqueEmail(provider);
      await (fakes[provider] as FakeOidcProvider).setNextLogin({
        sub: `${provider}-${email}`,
        email,
        emailVerified: true,
        name: `Someone from ${provider}`,
      });

      const first = await oauthLogin(provider);
      expect(first.status).toBe(200);
      expect(first.body.created).toBe(true);
      const profile = await api.get<{ user: { email: string } }>('/v1/auth/profile', {
        token: first.body.tokens.accessToken,
      });
      expect(profile.status).toBe(200);
      expect(profile.body.user.email).toBe(email);

      const second = await oauthLogin(provider);
      expect(second.body.created).toBe(false);
    },
  );

  it('github: signs in with the verified primary email and links to the existing account', async () => {
    const account = await register(api, 'octo');
    await (fakes.github as FakeGitHub).setNextLogin({
      id: Math.floor(Math.random() * 1e9),
      login: 'octocat',
      name: 'The Octocat',
      emails: [{ email: account.email, primary: true, verified: true }],
    });

    const result = await oauthLogin('github');
    expect(result.status).toBe(200);
    expect(result.body.created).toBe(false);
    const profile = await api.get<{ organization: { id: string } }>('/v1/auth/profile', {
      token: result.body.tokens.accessToken,
    });
    expect(profile.body.organization.id).toBe(account.organizationId);
  });

  it('pre-hijacking: a provider-verified email takes an unverified local account back from whoever registered it', async () => {
    // Someone registered the address first (they cannot prove the mailbox), and is signed in.
    const squatter = await register(api, 'squatted');
    await (fakes.google as FakeOidcProvider).setNextLogin({
      sub: `google-${squatter.email}`,
      email: squatter.email,
      emailVerified: true,
      name: 'The real owner',
    });

    const owner = await oauthLogin('google');
    expect(owner.status).toBe(200);
    expect(owner.body.created).toBe(false);

    // The squatter's sessions and password are gone; the real owner is in, verified.
    expect((await api.get('/v1/auth/profile', { token: squatter.tokens.accessToken })).status).toBe(401);
    const refreshed = await api.post('/v1/auth/refresh', {
      json: { refreshToken: squatter.tokens.refreshToken },
    });
    expect(refreshed.status).toBe(401);
    const login = await api.post('/v1/auth/login', { json: { email: squatter.email, password: PASSWORD } });
    expect(login.status).toBe(401);
    const profile = await api.get<{ user: { emailVerified: boolean } }>('/v1/auth/profile', {
      token: owner.body.tokens.accessToken,
    });
    expect(profile.body.user.emailVerified).toBe(true);
  });

  it('a verified local account keeps its password and sessions when a provider links to it', async () => {
    const account = await register(api, 'linked-verified');
    await ensureVerified(api, platform.mail, account);
    await (fakes.google as FakeOidcProvider).setNextLogin({
      sub: `google-${account.email}`,
      email: account.email,
      emailVerified: true,
      name: 'Same person',
    });

    expect((await oauthLogin('google')).status).toBe(200);

    expect((await api.get('/v1/auth/profile', { token: account.tokens.accessToken })).status).toBe(200);
    const login = await api.post('/v1/auth/login', { json: { email: account.email, password: PASSWORD } });
    expect(login.status).toBe(200);
  });

  it('answers a browser navigation with a 302 to the provider (mode=redirect)', async () => {
    const response = await api.get('/v1/auth/oauth/google/authorize', {
      query: { redirectUri: REDIRECT_URI, mode: 'redirect' },
    });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('location')!).origin).toBe((fakes.google as FakeOidcProvider).issuer);
  });

  it('refuses a callback with a forged state', async () => {
    const response = await api.get('/v1/auth/oauth/google/callback', {
      query: { code: 'whatever', state: 'forged-state' },
    });
    expect([400, 401]).toContain(response.status);
  });

  it('TOTP: enroll, confirm, then login asks for the code and completes with it (or a recovery code)', async () => {
    const account = await register(api, 'totp');
    const token = account.tokens.accessToken;
    const enroll = await api.post<{ otpauthUri: string; secret: string }>('/v1/auth/totp/enroll', { token });
    expect(enroll.status).toBe(200);
    expect(enroll.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const confirm = await api.post<{ enabled: boolean; recoveryCodes: string[] }>('/v1/auth/totp/verify', {
      token,
      json: { code: codeAt(enroll.body.secret) },
    });
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes.length).toBeGreaterThan(0);

    const login = await api.post<{ mfaRequired: boolean; mfaToken: string }>('/v1/auth/login', {
      json: { email: account.email, password: PASSWORD },
    });
    expect(login.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
    const wrong = await api.post('/v1/auth/mfa/verify', {
      json: { mfaToken: login.body.mfaToken, code: '000000' },
    });
    expect(wrong.status).toBe(401);
    const verified = await api.post<{ tokens: TokenPair }>('/v1/auth/mfa/verify', {
      json: { mfaToken: login.body.mfaToken, code: codeAt(enroll.body.secret, 1) },
    });
    expect(verified.status).toBe(200);
    expect((await api.get('/v1/auth/profile', { token: verified.body.tokens.accessToken })).status).toBe(200);

    const again = await api.post<{ mfaToken: string }>('/v1/auth/login', {
      json: { email: account.email, password: PASSWORD },
    });
    const recovered = await api.post('/v1/auth/mfa/verify', {
      json: { mfaToken: again.body.mfaToken, recoveryCode: confirm.body.recoveryCodes[0] },
    });
    expect(recovered.status).toBe(200);
  });

  /** Enrols and confirms TOTP for a new account; returns the secret, the confirming code and the codes. */
  async function withTotp(label: string) {
    const account = await register(api, label);
    const token = account.tokens.accessToken;
    const enroll = await api.post<{ secret: string }>('/v1/auth/totp/enroll', { token });
    const enrolCode = codeAt(enroll.body.secret);
    const confirm = await api.post<{ recoveryCodes: string[] }>('/v1/auth/totp/verify', {
      token,
      json: { code: enrolCode },
    });
    expect(confirm.status).toBe(200);
    return {
      account,
      token,
      secret: enroll.body.secret,
      enrolCode,
      recoveryCodes: confirm.body.recoveryCodes,
    };
  }

  /** A code that is wrong now: none of the three steps auth accepts (previous, current, next). */
  const wrongCodeFor = (secret: string) => {
    const accepted = new Set([-1, 0, 1].map((offset) => codeAt(secret, offset)));
    let candidate = 100_000;
    while (accepted.has(String(candidate))) candidate++;
    return String(candidate);
  };

  const startLogin = async (email: string) => {
    const login = await api.post<{ mfaToken: string }>('/v1/auth/login', {
      json: { email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    return login.body.mfaToken;
  };

  it('TOTP: the code that confirmed enrolment cannot sign in; a code of a later step can', async () => {
    const { account, secret, enrolCode } = await withTotp('totp-replay');
    const reused = await api.post('/v1/auth/mfa/verify', {
      json: { mfaToken: await startLogin(account.email), code: enrolCode },
    });
    expect(reused.status).toBe(401);
    const later = await api.post('/v1/auth/mfa/verify', {
      json: { mfaToken: await startLogin(account.email), code: codeAt(secret, 1) },
    });
    expect(later.status).toBe(200);
  });

  it(`TOTP: wrong codes over fresh challenges share one account budget of ${SECOND_FACTOR_MAX_FAILURES}; then even the right code waits (429)`, async () => {
    const { account, secret, recoveryCodes } = await withTotp('totp-guess');
    const wrong = wrongCodeFor(secret);
    for (let i = 0; i < SECOND_FACTOR_MAX_FAILURES; i++) {
      // A correct password opens a fresh challenge every time: the budget is the account's, not the challenge's.
      const guess = await api.post('/v1/auth/mfa/verify', {
        json: { mfaToken: await startLogin(account.email), code: wrong },
      });
      expect(guess.status).toBe(401);
    }
    const mfaToken = await startLogin(account.email);
    const right = await api.post<{ code: string; retryAfterSeconds: number }>('/v1/auth/mfa/verify', {
      json: { mfaToken, code: codeAt(secret, 1) },
    });
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('RATE_LIMITED');
    expect(right.body.retryAfterSeconds).toBeGreaterThan(0);
    expect(right.body.retryAfterSeconds).toBeLessThanOrEqual(SECOND_FACTOR_WINDOW_SECONDS);
    expect(right.headers.get('retry-after')).toBe(String(right.body.retryAfterSeconds));
    // Recovery codes draw from the same budget.
    const recovery = await api.post('/v1/auth/mfa/verify', {
      json: { mfaToken, recoveryCode: recoveryCodes[0] },
    });
    expect(recovery.status).toBe(429);
  });

  it('TOTP: disabling with wrong codes hits the same budget; then even the right code waits (429)', async () => {
    const { token, secret } = await withTotp('totp-disable');
    const wrong = wrongCodeFor(secret);
    for (let i = 0; i < SECOND_FACTOR_MAX_FAILURES; i++) {
      const attempt = await api.post('/v1/auth/totp/disable', { token, json: { code: wrong } });
      expect(attempt.status).toBe(400);
    }
    const right = await api.post<{ code: string }>('/v1/auth/totp/disable', {
      token,
      json: { code: codeAt(secret, 1) },
    });
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('RATE_LIMITED');
    const profile = await api.get<{ user: { totpEnabled: boolean } }>('/v1/auth/profile', { token });
    expect(profile.body.user.totpEnabled).toBe(true);
  });

  it('TOTP: verify-mfa validates its body (400 problem+json)', async () => {
    const response = await api.post<{ code: string }>('/v1/auth/mfa/verify', {
      json: { mfaToken: 'x', code: '12' },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });
});
