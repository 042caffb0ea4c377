import { generators, Issuer, type BaseClient } from 'openid-client';
import { AuthorizationDeniedError } from '../http/follow-authorization';
import { startFakeOidcProvider, type FakeOidcAccount, type FakeOidcProvider } from './fake-oidc-provider';

const REDIRECT_URI = 'http://127.0.0.1:45678/v1/auth/oauth/google/callback';
const alice: FakeOidcAccount = {
  sub: 'google-alice',
  email: 'alice@example.test',
  emailVerified: true,
  name: 'Alice',
};
const bob: FakeOidcAccount = {
  sub: 'google-bob',
  email: 'bob@example.test',
  emailVerified: false,
  name: 'Bob',
};

function pkce() {
  const codeVerifier = generators.codeVerifier();
  return { codeVerifier, codeChallenge: generators.codeChallenge(codeVerifier), state: generators.state() };
}

describe('startFakeOidcProvider', () => {
  let provider: FakeOidcProvider;
  let client: BaseClient;

  beforeAll(async () => {
    provider = await startFakeOidcProvider();
    const issuer = await Issuer.discover(provider.issuer);
    client = new issuer.Client({
      client_id: provider.clientId,
      client_secret: provider.clientSecret,
      redirect_uris: [REDIRECT_URI],
      response_types: ['code'],
    });
  });

  afterAll(() => provider.close());

  it('publishes discovery metadata for the code flow with S256 PKCE', async () => {
    const issuer = await Issuer.discover(provider.issuer);
    expect(provider.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(issuer.metadata).toMatchObject({
      issuer: provider.issuer,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: expect.arrayContaining(['code']),
      scopes_supported: expect.arrayContaining(['openid', 'email', 'profile']),
      claims_supported: expect.arrayContaining(['email', 'email_verified', 'name']),
    });
  });

  it('completes the authorization code + PKCE flow and issues a verifiable ID token', async () => {
    await provider.setNextLogin(alice);
    const { codeVerifier, codeChallenge, state } = pkce();
    const nonce = generators.nonce();
    const url = client.authorizationUrl({
      scope: 'openid email profile',
      redirect_uri: REDIRECT_URI,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
      nonce,
    });

    const result = await provider.followAuthorization(url);
    expect(result.state).toBe(state);
    expect(result.redirectedTo.startsWith(`${REDIRECT_URI}?`)).toBe(true);

    const tokens = await client.callback(REDIRECT_URI, client.callbackParams(result.redirectedTo), {
      code_verifier: codeVerifier,
      state,
      nonce,
    });
    expect(tokens.claims()).toMatchObject({
      iss: provider.issuer,
      aud: provider.clientId,
      sub: alice.sub,
      email: alice.email,
      email_verified: true,
      name: alice.name,
    });
    await expect(client.userinfo(tokens)).resolves.toMatchObject({ sub: alice.sub, email: alice.email });
  });

  it('signs in as whichever account was set last, each flow in a fresh browser', async () => {
    await provider.setNextLogin(bob);
    const { codeVerifier, codeChallenge, state } = pkce();
    const url = client.authorizationUrl({
      scope: 'openid email',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
    });
    const result = await provider.followAuthorization(url);
    const tokens = await client.callback(REDIRECT_URI, client.callbackParams(result.redirectedTo), {
      code_verifier: codeVerifier,
      state,
    });
    expect(tokens.claims()).toMatchObject({ sub: bob.sub, email: bob.email, email_verified: false });
    expect(tokens.claims().name).toBeUndefined();
  });

  it('refuses an authorization request without PKCE', async () => {
    await provider.setNextLogin(alice);
    const url = client.authorizationUrl({ scope: 'openid', state: 'no-pkce' });
    await expect(provider.followAuthorization(url)).rejects.toMatchObject({
      error: 'invalid_request',
      state: 'no-pkce',
    });
  });

  it('refuses the code exchange with the wrong code_verifier', async () => {
    await provider.setNextLogin(alice);
    const { codeChallenge, state } = pkce();
    const url = client.authorizationUrl({
      scope: 'openid',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
    });
    const result = await provider.followAuthorization(url);
    await expect(
      client.callback(REDIRECT_URI, client.callbackParams(result.redirectedTo), {
        code_verifier: generators.codeVerifier(),
        state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('redirects back with access_denied when no account is set', async () => {
    await provider.setNextLogin(null);
    const { codeChallenge } = pkce();
    const url = client.authorizationUrl({
      scope: 'openid',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state: 's1',
    });
    const denial = await provider.followAuthorization(url).catch((error: unknown) => error);
    expect(denial).toBeInstanceOf(AuthorizationDeniedError);
    expect(denial).toMatchObject({ error: 'access_denied', state: 's1' });
  });

  it('accepts any loopback redirect_uri by default but nothing else', async () => {
    await provider.setNextLogin(alice);
    const { codeChallenge } = pkce();
    const params = {
      scope: 'openid',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state: 's2',
    };
    const other = 'http://localhost:1234/cb';
    await expect(
      provider.followAuthorization(client.authorizationUrl({ ...params, redirect_uri: other })),
    ).resolves.toMatchObject({
      redirectedTo: expect.stringMatching(/^http:\/\/localhost:1234\/cb\?/),
    });
    const foreign = client.authorizationUrl({ ...params, redirect_uri: 'https://evil.test/cb' });
    await expect(provider.followAuthorization(foreign)).rejects.toThrow(/got 400/);
  });
});

describe('startFakeOidcProvider with explicit client settings', () => {
  let provider: FakeOidcProvider;

  beforeAll(async () => {
    provider = await startFakeOidcProvider({
      clientId: 'microsoft-client',
      clientSecret: 'microsoft-secret',
      redirectUris: [REDIRECT_URI],
      tokenEndpointAuthMethod: 'client_secret_post',
    });
  });

  afterAll(() => provider.close());

  it('allows only the registered redirect URIs and authenticates the client by post', async () => {
    const issuer = await Issuer.discover(provider.issuer);
    const client = new issuer.Client({
      client_id: 'microsoft-client',
      client_secret: 'microsoft-secret',
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'client_secret_post',
    });
    await provider.setNextLogin(alice);
    const { codeVerifier, codeChallenge, state } = pkce();
    const params = {
      scope: 'openid email profile',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
    };

    const unregistered = client.authorizationUrl({ ...params, redirect_uri: 'http://127.0.0.1:45678/other' });
    await expect(provider.followAuthorization(unregistered)).rejects.toThrow(/got 400/);

    const result = await provider.followAuthorization(client.authorizationUrl(params));
    const tokens = await client.callback(REDIRECT_URI, client.callbackParams(result.redirectedTo), {
      code_verifier: codeVerifier,
      state,
    });
    expect(tokens.claims()).toMatchObject({ sub: alice.sub, aud: 'microsoft-client' });
  });

  it('closes its child process', async () => {
    const extra = await startFakeOidcProvider();
    await extra.close();
    await expect(fetch(`${extra.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
  });
});
