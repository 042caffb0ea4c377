import { authenticator } from 'otplib';
import { denylistKeys } from '@platform/contracts';
import {
  startFakeGitHub,
  startFakeOidcProvider,
  type FakeGitHub,
  type FakeGitHubAccount,
  type FakeOidcProvider,
  oauthEnvFor,
} from '@platform/testing';
import { AuthTestApp, rejectionOf } from './support/auth-test-app';

/** The web app's callback page; the fakes accept any loopback redirect URI. */
const REDIRECT_URI = 'http://127.0.0.1:45679/oauth/callback';

describe('auth OAuth login (local OIDC provider for Google/Microsoft, fake GitHub)', () => {
  let auth: AuthTestApp;
  let google: FakeOidcProvider;
  let microsoft: FakeOidcProvider;
  let github: FakeGitHub;

  beforeAll(async () => {
    [google, microsoft, github] = await Promise.all([
      startFakeOidcProvider(),
      startFakeOidcProvider(),
      startFakeGitHub(),
    ]);
    auth = await AuthTestApp.start({
      OAUTH_ALLOWED_REDIRECT_ORIGINS: 'http://127.0.0.1:45679',
      ...oauthEnvFor({ google, microsoft, github }),
    });
  }, 60_000);
  afterAll(async () => {
    await auth?.stop();
    await Promise.all([google?.close(), microsoft?.close(), github?.close()]);
  });

  /** The browser round trip: authorize, sign in at the provider, come back with code and state. */
  async function signIn(provider: 'google' | 'microsoft' | 'github', fake: FakeOidcProvider | FakeGitHub) {
    const { authorizationUrl, state } = await auth.call('auth.oauth.authorize', {
      provider,
      redirectUri: REDIRECT_URI,
    });
    const back = await fake.followAuthorization(authorizationUrl);
    expect(back.state).toBe(state);
    return { code: back.code, state, iss: new URL(back.redirectedTo).searchParams.get('iss') ?? undefined };
  }

  async function oauthLogin(
    provider: 'google' | 'microsoft' | 'github',
    fake: FakeOidcProvider | FakeGitHub,
  ) {
    const { code, state } = await signIn(provider, fake);
    const result = await auth.call('auth.oauth.callback', { provider, code, state });
    return { ...result, principal: await auth.principalOf(result.tokens.accessToken) };
  }

  const octocat = (overrides: Partial<FakeGitHubAccount> = {}): FakeGitHubAccount => ({
    id: Math.floor(Math.random() * 1e9),
    login: 'octocat',
    name: 'The Octocat',
    emails: [
      { email: `octo-${Math.random().toString(36).slice(2, 8)}@example.test`, primary: true, verified: true },
    ],
    ...overrides,
  });

  it('builds an authorization URL with PKCE S256, state and nonce; the state lives server-side', async () => {
    const { authorizationUrl, state } = await auth.call('auth.oauth.authorize', {
      provider: 'google',
      redirectUri: REDIRECT_URI,
    });
    const url = new URL(authorizationUrl);
    expect(url.origin).toBe(google.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: google.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid email profile',
      state,
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.any(String),
    });
    // The verifier never leaves the server.
    expect(authorizationUrl).not.toContain('code_verifier');
  });

  it('Google: a new person gets a user (email verified) and their own organization', async () => {
    const email = 'new.google.user@example.test';
    await google.setNextLogin({ sub: 'google-sub-1', email, emailVerified: true, name: 'Gia Google' });
    const first = await oauthLogin('google', google);
    expect(first.created).toBe(true);
    const profile = await auth.call('auth.profile.get', {}, first.principal);
    expect(profile).toMatchObject({
      user: { email, name: 'Gia Google', emailVerified: true },
      organization: { name: "Gia Google's organization", plan: 'FREE' },
      role: 'owner',
    });

    // The same provider account signs in to the same user next time.
    const second = await oauthLogin('google', google);
    expect(second.created).toBe(false);
    expect(second.principal.userId).toBe(first.principal.userId);
  });

  it('Google: links to an existing account only because the provider verified the email', async () => {
    const account = await auth.register({ email: 'linked.by.google@example.test' });
    await google.setNextLogin({
      sub: 'google-sub-2',
      email: account.email,
      emailVerified: true,
      name: 'Existing',
    });
    const result = await oauthLogin('google', google);
    expect(result.created).toBe(false);
    expect(result.principal).toMatchObject({
      userId: account.userId,
      organizationId: account.organizationId,
    });
    expect((await auth.call('auth.profile.get', {}, result.principal)).user.emailVerified).toBe(true);
  });

  it('Google: an unverified email matching an existing account is refused (CONFLICT), nothing is linked', async () => {
    const account = await auth.register({ email: 'victim.google@example.test' });
    await google.setNextLogin({
      sub: 'attacker-sub',
      email: account.email,
      emailVerified: false,
      name: 'Attacker',
    });
    const { code, state } = await signIn('google', google);
    const error = await rejectionOf(auth.call('auth.oauth.callback', { provider: 'google', code, state }));
    expect(error.code).toBe('CONFLICT');
    const identities: unknown[] = await auth.dataSource.query(
      `SELECT 1 FROM oauth_identities WHERE subject = 'attacker-sub'`,
    );
    expect(identities).toEqual([]);
  });

  it('Microsoft (OIDC): signs in through discovery like Google; an unverified email creates an unverified user', async () => {
    await microsoft.setNextLogin({
      sub: 'ms-oid-1',
      email: 'ms.user@example.test',
      emailVerified: false,
      name: 'Mo Soft',
    });
    const result = await oauthLogin('microsoft', microsoft);
    expect(result.created).toBe(true);
    expect((await auth.call('auth.profile.get', {}, result.principal)).user).toMatchObject({
      email: 'ms.user@example.test',
      emailVerified: false,
    });
  });

  it('GitHub: a new person is created from /user and the verified primary email', async () => {
    const account = octocat();
    await github.setNextLogin(account);
    const result = await oauthLogin('github', github);
    expect(result.created).toBe(true);
    expect((await auth.call('auth.profile.get', {}, result.principal)).user).toMatchObject({
      email: account.emails[0]!.email,
      name: 'The Octocat',
      emailVerified: true,
    });
    await github.setNextLogin(account);
    const again = await oauthLogin('github', github);
    expect(again).toMatchObject({ created: false, principal: { userId: result.principal.userId } });
  });

  it('GitHub: links a verified primary email, refuses an unverified one', async () => {
    const verified = await auth.register({ email: 'gh.verified@example.test' });
    await github.setNextLogin(
      octocat({ emails: [{ email: verified.email, primary: true, verified: true }] }),
    );
    const linked = await oauthLogin('github', github);
    expect(linked).toMatchObject({ created: false, principal: { userId: verified.userId } });

    const victim = await auth.register({ email: 'gh.victim@example.test' });
    await github.setNextLogin(octocat({ emails: [{ email: victim.email, primary: true, verified: false }] }));
    const { code, state } = await signIn('github', github);
    expect(
      (await rejectionOf(auth.call('auth.oauth.callback', { provider: 'github', code, state }))).code,
    ).toBe('CONFLICT');
  });

  it('refuses a replayed or foreign state, a provider mismatch and a bad code', async () => {
    await google.setNextLogin({
      sub: 'google-sub-3',
      email: 'replay@example.test',
      emailVerified: true,
      name: 'R',
    });
    const { code, state } = await signIn('google', google);
    await auth.call('auth.oauth.callback', { provider: 'google', code, state });
    expect(
      (await rejectionOf(auth.call('auth.oauth.callback', { provider: 'google', code, state }))).code,
    ).toBe('UNAUTHENTICATED');
    expect(
      (
        await rejectionOf(
          auth.call('auth.oauth.callback', { provider: 'google', code, state: 'made-up-state' }),
        )
      ).code,
    ).toBe('UNAUTHENTICATED');

    const forGoogle = await auth.call('auth.oauth.authorize', {
      provider: 'google',
      redirectUri: REDIRECT_URI,
    });
    expect(
      (
        await rejectionOf(
          auth.call('auth.oauth.callback', { provider: 'github', code: 'x', state: forGoogle.state }),
        )
      ).code,
    ).toBe('UNAUTHENTICATED');

    const forGitHub = await auth.call('auth.oauth.authorize', {
      provider: 'github',
      redirectUri: REDIRECT_URI,
    });
    expect(
      (
        await rejectionOf(
          auth.call('auth.oauth.callback', { provider: 'github', code: 'bad-code', state: forGitHub.state }),
        )
      ).code,
    ).toBe('UNAUTHENTICATED');
    const forGoogle2 = await auth.call('auth.oauth.authorize', {
      provider: 'google',
      redirectUri: REDIRECT_URI,
    });
    expect(
      (
        await rejectionOf(
          auth.call('auth.oauth.callback', { provider: 'google', code: 'bad-code', state: forGoogle2.state }),
        )
      ).code,
    ).toBe('UNAUTHENTICATED');
  });

  it('forwards the RFC 9207 iss of the redirect; a foreign iss (mix-up attack) is refused', async () => {
    await google.setNextLogin({
      sub: 'google-sub-4',
      email: 'iss@example.test',
      emailVerified: true,
      name: 'I',
    });
    const good = await signIn('google', google);
    expect(good.iss).toBe(google.issuer);
    await expect(auth.call('auth.oauth.callback', { provider: 'google', ...good })).resolves.toMatchObject({
      created: true,
    });

    const mixedUp = await signIn('google', google);
    const error = await rejectionOf(
      auth.call('auth.oauth.callback', {
        provider: 'google',
        code: mixedUp.code,
        state: mixedUp.state,
        iss: microsoft.issuer,
      }),
    );
    expect(error.code).toBe('UNAUTHENTICATED');
  });

  it('a two-factor account cannot skip its second factor through OAuth (FORBIDDEN), and is not linked', async () => {
    const account = await auth.register({ email: 'two.factor@example.test' });
    // A verified address: its second factor is the owner's (an unverified account's is cleared, below).
    await auth.markEmailVerified(account.userId);
    const { secret } = await auth.call('auth.totp.enroll', {}, account.principal);
    await auth.call('auth.totp.verify', { code: authenticator.generate(secret) }, account.principal);
    await google.setNextLogin({
      sub: 'google-sub-2fa',
      email: account.email,
      emailVerified: true,
      name: 'T',
    });
    const { code, state } = await signIn('google', google);
    const error = await rejectionOf(auth.call('auth.oauth.callback', { provider: 'google', code, state }));
    expect(error.code).toBe('FORBIDDEN');
    const identities: unknown[] = await auth.dataSource.query(
      `SELECT 1 FROM oauth_identities WHERE subject = 'google-sub-2fa'`,
    );
    expect(identities).toEqual([]);
  });

  it('claiming an unverified account clears what its registrant set up: password, second factor, API keys, sessions', async () => {
    const squatter = await auth.register({ email: 'claimed@example.test' });
    const { secret } = await auth.call('auth.totp.enroll', {}, squatter.principal);
    await auth.call('auth.totp.verify', { code: authenticator.generate(secret) }, squatter.principal);
    const key = await auth.call('auth.api-key.create', { name: 'backdoor' }, squatter.principal);
    await google.setNextLogin({
      sub: 'google-sub-claim',
      email: squatter.email,
      emailVerified: true,
      name: 'O',
    });

    const owner = await oauthLogin('google', google);

    expect(owner.created).toBe(false);
    expect(owner.principal.userId).toBe(squatter.userId);
    const [user]: { password_hash: string | null; totp_enabled: boolean; email_verified: boolean }[] =
      await auth.dataSource.query(
        `SELECT password_hash, totp_enabled, email_verified FROM users WHERE id = $1`,
        [squatter.userId],
      );
    expect(user).toEqual({ password_hash: null, totp_enabled: false, email_verified: true });
    expect((await rejectionOf(auth.login(squatter.email, squatter.password))).code).toBe('UNAUTHENTICATED');
    expect((await rejectionOf(auth.call('auth.api-key.verify', { key: key.secret }))).code).toBe(
      'UNAUTHENTICATED',
    );
    expect(
      (await rejectionOf(auth.call('auth.session.refresh', { refreshToken: squatter.tokens.refreshToken })))
        .code,
    ).toBe('UNAUTHENTICATED');
    expect(await auth.isDenied(denylistKeys.session(squatter.principal.sessionId!))).toBe(true);
  });

  it('refuses a redirect URI outside the allowed origins', async () => {
    const error = await rejectionOf(
      auth.call('auth.oauth.authorize', { provider: 'google', redirectUri: 'https://evil.example/callback' }),
    );
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [expect.objectContaining({ path: 'redirectUri' })] },
    });
  });
});
