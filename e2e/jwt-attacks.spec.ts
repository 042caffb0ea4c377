import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import type { TokenPair } from '@platform/contracts';
import { createSigningKey, tamper, unsignedToken } from '../apps/gateway/test/support/token-mint';
import { SignJWT } from 'jose';
import { waitFor } from '@platform/testing';
import { PASSWORD, register, type Account } from './support/accounts';
import { ApiClient } from './support/api-client';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

const ACCESS_TTL_SECONDS = 3;
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (token: string, part: 0 | 1) =>
  JSON.parse(Buffer.from(token.split('.')[part]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/**
 * Forged and stale access tokens against the real platform: the tokens are the auth service's own
 * (real signing key, real claims), altered the way an attacker would. Access tokens live 3 s here
 * so that expiry can be observed.
 */
describe('JWT attacks are refused with 401 (whole platform)', () => {
  const suite = usePlatform({
    ...GENEROUS_LIMITS,
    JWT_ACCESS_TTL_SECONDS: String(ACCESS_TTL_SECONDS),
    JWT_CLOCK_TOLERANCE_SECONDS: '0',
  });
  let account: Account;

  beforeAll(async () => {
    account = await register(suite.api, 'jwt');
  });

  /** A token minted by auth just now. */
  async function freshToken(): Promise<string> {
    const login = await suite.api.post<{ tokens: TokenPair }>('/v1/auth/login', {
      json: { email: account.email, password: PASSWORD },
    });
    return login.body.tokens.accessToken;
  }

  async function expect401(token: string, detail: RegExp = /invalid/) {
    const response = await suite.api.get('/v1/auth/profile', { token });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED', detail: expect.stringMatching(detail) });
  }

  it('accepts the genuine token (control)', async () => {
    expect((await suite.api.get('/v1/auth/profile', { token: await freshToken() })).status).toBe(200);
  });

  it('refuses alg "none"', async () => {
    const real = await freshToken();
    await expect401(unsignedToken(decode(real, 1), decode(real, 0).kid as string));
  });

  it('refuses HS256 signed with the published RSA public key', async () => {
    const real = await freshToken();
    const kid = decode(real, 0).kid as string;
    const jwks = await suite.api.get<{ keys: (Record<string, string> & { kid: string })[] }>(
      '/.well-known/jwks.json',
    );
    const jwk = jwks.body.keys.find((k) => k.kid === kid)!;
    const pem = createPublicKey({ key: jwk, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const head = `${b64url({ alg: 'HS256', typ: 'JWT', kid })}.${b64url(decode(real, 1))}`;
    await expect401(`${head}.${createHmac('sha256', pem).update(head).digest('base64url')}`);
  });

  it('refuses a token signed by a key the platform never published (unknown kid)', async () => {
    const rogue = await createSigningKey(`rogue-${randomUUID()}`);
    const forged = await new SignJWT(decode(await freshToken(), 1))
      .setProtectedHeader({ alg: 'RS256', kid: rogue.kid })
      .sign(rogue.privateKey);
    await expect401(forged);
  });

  it('refuses a token whose payload was tampered with', async () => {
    const real = await freshToken();
    await expect401(tamper(real, { roles: ['owner'], org: randomUUID() }));
    await expect401(tamper(real, { exp: Math.floor(Date.now() / 1000) + 86_400 }));
  });

  it('refuses an expired token', async () => {
    const real = await freshToken();
    // Poll (a profile read changes nothing) rather than sleep: done as soon as the token's 3 s are up.
    await waitFor(
      'the token to expire',
      async () => (await suite.api.get('/v1/auth/profile', { token: real })).status !== 200,
      { timeoutMs: (ACCESS_TTL_SECONDS + 10) * 1000, intervalMs: 200 },
    );
    await expect401(real, /expired/);
  });

  it('refuses a token logged out (revoked), though its signature and expiry are fine', async () => {
    const real = await freshToken();
    expect((await suite.api.post('/v1/auth/logout', { token: real })).status).toBe(200);
    await expect401(real, /revoked/);
  });

  it('refuses a genuine token at a gateway expecting another issuer or audience', async () => {
    const strangers = await Promise.all([
      suite.platform.startExtraGateway({ JWT_ISSUER: 'https://another-issuer.example' }),
      suite.platform.startExtraGateway({ JWT_AUDIENCE: 'another-audience' }),
    ]);
    const token = await freshToken();
    for (const stranger of strangers) {
      const response = await new ApiClient(stranger.url).get('/v1/auth/profile', { token });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect((await suite.api.get('/v1/auth/profile', { token })).status).toBe(200);
  });
});
