import { createHash, randomBytes } from 'node:crypto';
import { AuthorizationDeniedError } from '../http/follow-authorization';
import { startFakeGitHub, type FakeGitHub } from './fake-github';
import type { FakeGitHubAccount } from './github-state';

const REDIRECT_URI = 'http://127.0.0.1:45679/v1/auth/oauth/github/callback';
const octo: FakeGitHubAccount = {
  id: 583231,
  login: 'octocat',
  name: 'The Octocat',
  emails: [
    { email: 'octo@example.test', primary: true, verified: true },
    { email: 'old@example.test', primary: false, verified: false },
  ],
};

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('startFakeGitHub', () => {
  let github: FakeGitHub;

  beforeAll(async () => {
    github = await startFakeGitHub();
  });

  afterAll(() => github.close());

  function authorizeUrl(params: Record<string, string>): string {
    const url = new URL('/login/oauth/authorize', github.baseUrl);
    const query = {
      client_id: github.clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'read:user user:email',
      ...params,
    };
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url.href;
  }

  async function exchange(body: Record<string, string>, accept = 'application/json') {
    const response = await fetch(`${github.baseUrl}/login/oauth/access_token`, {
      method: 'POST',
      headers: { accept, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: github.clientId, client_secret: github.clientSecret, ...body }),
    });
    expect(response.status).toBe(200);
    return accept === 'application/json'
      ? ((await response.json()) as Record<string, string>)
      : response.text();
  }

  async function loginAs(account: FakeGitHubAccount, scope = 'read:user user:email'): Promise<string> {
    await github.setNextLogin(account);
    const { verifier, challenge } = pkce();
    const { code } = await github.followAuthorization(
      authorizeUrl({ state: 'st', scope, code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    const tokens = (await exchange({ code, redirect_uri: REDIRECT_URI, code_verifier: verifier })) as Record<
      string,
      string
    >;
    return tokens.access_token!;
  }

  const api = (path: string, token: string, scheme = 'Bearer') =>
    fetch(`${github.apiBaseUrl}${path}`, {
      headers: { authorization: `${scheme} ${token}`, accept: 'application/vnd.github+json' },
    });

  it('serves the OAuth flow and the API from two loopback servers', () => {
    expect(github.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(github.apiBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(github.apiBaseUrl).not.toBe(github.baseUrl);
  });

  it('runs the web flow with PKCE: authorize, exchange the code, read the user and emails', async () => {
    await github.setNextLogin(octo);
    const { verifier, challenge } = pkce();
    const result = await github.followAuthorization(
      authorizeUrl({ state: 'xyz', code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    expect(result).toMatchObject({ state: 'xyz', code: expect.stringMatching(/^[0-9a-f]{20}$/) });
    expect(result.redirectedTo.startsWith(`${REDIRECT_URI}?`)).toBe(true);

    const tokens = await exchange({ code: result.code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    expect(tokens).toEqual({
      access_token: expect.stringMatching(/^gho_[A-Za-z0-9]{36}$/),
      token_type: 'bearer',
      scope: 'read:user,user:email',
    });

    const token = (tokens as Record<string, string>).access_token!;
    const user = await api('/user', token);
    expect(user.status).toBe(200);
    expect(await user.json()).toMatchObject({
      id: 583231,
      login: 'octocat',
      name: 'The Octocat',
      email: null,
    });
    const emails = await api('/user/emails', token, 'token');
    expect(await emails.json()).toEqual([
      { email: 'octo@example.test', primary: true, verified: true, visibility: 'private' },
      { email: 'old@example.test', primary: false, verified: false, visibility: null },
    ]);
  });

  it('takes JSON bodies and answers form-encoded without Accept: application/json', async () => {
    await github.setNextLogin(octo);
    const { code } = await github.followAuthorization(authorizeUrl({ state: 's' }));
    const response = await fetch(`${github.baseUrl}/login/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: github.clientId, client_secret: github.clientSecret, code }),
    });
    const body = new URLSearchParams(await response.text());
    expect(body.get('access_token')).toMatch(/^gho_/);
    expect(body.get('token_type')).toBe('bearer');
  });

  it('refuses a code twice, a wrong secret, a wrong redirect_uri and a wrong code_verifier', async () => {
    await github.setNextLogin(octo);
    const { verifier, challenge } = pkce();
    const withPkce = () =>
      github.followAuthorization(authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }));

    const first = await withPkce();
    await expect(exchange({ code: first.code, code_verifier: 'x'.repeat(43) })).resolves.toMatchObject({
      error: 'bad_verification_code',
    });
    await expect(exchange({ code: first.code, code_verifier: verifier })).resolves.toMatchObject({
      error: 'bad_verification_code',
    });

    const second = await withPkce();
    await expect(
      exchange({ code: second.code, code_verifier: verifier, client_secret: 'nope' }),
    ).resolves.toMatchObject({
      error: 'incorrect_client_credentials',
    });

    const third = await withPkce();
    await expect(
      exchange({ code: third.code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:1/other' }),
    ).resolves.toMatchObject({ error: 'redirect_uri_mismatch' });

    const fourth = await withPkce();
    await expect(exchange({ code: fourth.code })).resolves.toMatchObject({ error: 'bad_verification_code' });
  });

  it('redirects back with access_denied when no account is set', async () => {
    await github.setNextLogin(null);
    const denial = await github
      .followAuthorization(authorizeUrl({ state: 'd' }))
      .catch((error: unknown) => error);
    expect(denial).toBeInstanceOf(AuthorizationDeniedError);
    expect(denial).toMatchObject({ error: 'access_denied', state: 'd' });
  });

  it('shows an error page instead of redirecting for an unknown client or a foreign callback', async () => {
    await github.setNextLogin(octo);
    await expect(github.followAuthorization(authorizeUrl({ client_id: 'other' }))).rejects.toThrow(/got 404/);
    await expect(
      github.followAuthorization(authorizeUrl({ redirect_uri: 'https://evil.test/cb' })),
    ).rejects.toThrow(/got 400/);
  });

  it('answers 401 to an unknown token and 404 to /user/emails without an email scope', async () => {
    expect((await api('/user', 'gho_unknown')).status).toBe(401);
    const token = await loginAs(octo, 'read:user');
    expect((await api('/user', token)).status).toBe(200);
    const emails = await api('/user/emails', token);
    expect(emails.status).toBe(404);
    expect(emails.headers.get('x-accepted-oauth-scopes')).toBe('user, user:email');
  });

  it('returns the public email in /user when the account has one', async () => {
    const token = await loginAs({ ...octo, id: 7, login: 'pub', publicEmail: 'octo@example.test' });
    expect(await (await api('/user', token)).json()).toMatchObject({ id: 7, email: 'octo@example.test' });
  });
});

describe('startFakeGitHub with a registered callback', () => {
  it('uses the single registered callback when redirect_uri is omitted, and closes', async () => {
    const github = await startFakeGitHub({
      clientId: 'id',
      clientSecret: 'secret',
      redirectUris: [REDIRECT_URI],
    });
    try {
      await github.setNextLogin(octo);
      const result = await github.followAuthorization(
        `${github.baseUrl}/login/oauth/authorize?client_id=id&state=s`,
      );
      expect(result.redirectedTo.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    } finally {
      await github.close();
    }
    await expect(fetch(`${github.baseUrl}/login/oauth/authorize`)).rejects.toThrow();
  });
});
