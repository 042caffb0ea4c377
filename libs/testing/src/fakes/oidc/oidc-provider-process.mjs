// Child process behind startFakeOidcProvider (fake-oidc-provider.ts). oidc-provider is ESM-only and
// Jest runs specs as CommonJS in a VM sandbox that cannot load it, so the provider lives here, in a
// plain `node` process, and talks to its parent over the fork IPC channel:
//   argv[2]  JSON { clientId, clientSecret, redirectUris?, tokenEndpointAuthMethod }
//   → parent { type: 'ready', issuer }       once listening on 127.0.0.1:<ephemeral>
//   ← parent { id, type: 'setNextLogin', account | null } → { id, ok: true }
//   ← parent { type: 'close' }                 closes the server and exits
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2]);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Account a test made the "user at the keyboard"; null means the user refuses (access_denied). */
let nextLogin = null;
const accounts = new Map();

function isLoopbackHttpUri(value) {
  const url = URL.parse(value);
  return !!url && !url.hash && ['http:', 'https:'].includes(url.protocol) && LOOPBACK_HOSTS.has(url.hostname);
}

async function findAccount(_ctx, sub) {
  const account = accounts.get(sub);
  if (!account) return undefined;
  return {
    accountId: sub,
    async claims() {
      return { sub, email: account.email, email_verified: account.emailVerified, name: account.name };
    },
  };
}

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.clientId,
      client_secret: config.clientSecret,
      // oidc-provider insists on at least one; when the caller gave none, any loopback URI is allowed below.
      redirect_uris: config.redirectUris ?? ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: config.tokenEndpointAuthMethod,
    },
  ],
  jwks: { keys: [{ ...signingKey, kid: 'fake-oidc-rs256', alg: 'RS256', use: 'sig' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  // Google and Microsoft put the granted email/profile claims in the ID token itself, not only in userinfo.
  conformIdTokenClaims: false,
  // Google and Microsoft both require PKCE from public clients; the fake requires it from everyone
  // so the code under test cannot forget it.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  findAccount,
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 600,
    Grant: 3600,
    IdToken: 3600,
    Interaction: 600,
    RefreshToken: 86400,
    Session: 3600,
  },
});
provider.on('server_error', (_ctx, error) =>
  process.stderr.write(`oidc-provider server_error: ${error.stack}\n`),
);

if (!config.redirectUris) {
  // Apps under test listen on ephemeral ports, so their redirect_uri is unknown when the fake starts.
  provider.Client.prototype.redirectUriAllowed = isLoopbackHttpUri;
}

/**
 * The provider's login and consent pages, answered without a user: login as `nextLogin`, then
 * grant exactly what was asked. Each answer redirects back to the authorization endpoint.
 */
async function completeInteraction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    if (!nextLogin) {
      const refusal = { error: 'access_denied', error_description: 'no account set with setNextLogin' };
      return provider.interactionFinished(req, res, refusal, { mergeWithLastSubmission: false });
    }
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: nextLogin.sub } },
      { mergeWithLastSubmission: false },
    );
  }
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }
  throw new Error(`unexpected interaction prompt ${prompt.name}`);
}

const providerCallback = provider.callback();
server.on('request', (req, res) => {
  if (!req.url.startsWith('/interaction/')) return providerCallback(req, res);
  completeInteraction(req, res).catch((error) => {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`fake OIDC interaction failed: ${error.message}`);
  });
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}

process.on('message', (message) => {
  const reply = (body) => process.send({ id: message.id, ...body });
  switch (message.type) {
    case 'setNextLogin':
      nextLogin = message.account;
      if (nextLogin) accounts.set(nextLogin.sub, nextLogin);
      return reply({ ok: true });
    case 'close':
      return shutdown();
    default:
      return reply({ error: `unknown message type ${message.type}` });
  }
});
// The parent (a Jest worker) may die without calling close(); never outlive it.
process.on('disconnect', shutdown);
process.send({ type: 'ready', issuer });
