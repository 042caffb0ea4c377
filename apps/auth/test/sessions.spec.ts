import { setTimeout as sleep } from 'node:timers/promises';
import { denylistKeys } from '@platform/contracts';
import { waitFor } from '@platform/testing';
import {
  AuthTestApp,
  STRONG_PASSWORD,
  TEST_AUDIENCE,
  TEST_ISSUER,
  rejectionOf,
} from './support/auth-test-app';

const GRACE_SECONDS = 1;

describe('auth sessions and tokens (real PostgreSQL, Redis, RabbitMQ)', () => {
  let auth: AuthTestApp;

  beforeAll(async () => {
    // The contract's 10 s grace window, shortened so the reuse test does not wait 10 s.
    auth = await AuthTestApp.start({ REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS) });
  }, 60_000);
  afterAll(() => auth?.stop());

  describe('register', () => {
    it('creates the user, an organization on FREE with them as owner, and a session', async () => {
      const account = await auth.register({ name: 'Ada', organizationName: 'Analytical Engines' });

      const claims = await auth.verifyAccessToken(account.tokens.accessToken);
      expect(claims).toMatchObject({
        iss: TEST_ISSUER,
        aud: TEST_AUDIENCE,
        sub: account.userId,
        org: account.organizationId,
        roles: ['owner'],
        plan: 'FREE',
      });
      expect(claims.exp - claims.iat).toBe(15 * 60);
      expect(claims.kid).toEqual(expect.any(String));
      expect(account.tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

      const profile = await auth.call('auth.profile.get', {}, account.principal);
      expect(profile).toMatchObject({
        user: {
          id: account.userId,
          email: account.email,
          name: 'Ada',
          emailVerified: false,
          totpEnabled: false,
        },
        organization: { id: account.organizationId, name: 'Analytical Engines', plan: 'FREE' },
        role: 'owner',
      });
    });

    it('announces the organization and its first member through the outbox', async () => {
      const account = await auth.register();
      const events = await waitFor('published outbox events', async () => {
        const rows: { routing_key: string; payload: Record<string, string> }[] = await auth.dataSource.query(
          `SELECT routing_key, payload FROM outbox_events
           WHERE payload->>'organizationId' = $1 AND published_at IS NOT NULL ORDER BY created_at`,
          [account.organizationId],
        );
        return rows.length === 2 ? rows : undefined;
      });
      expect(events).toEqual([
        {
          routing_key: 'auth.organization.created',
          payload: {
            organizationId: account.organizationId,
            name: 'Test Org',
            ownerUserId: account.userId,
            plan: 'FREE',
          },
        },
        {
          routing_key: 'auth.member.joined',
          payload: { organizationId: account.organizationId, userId: account.userId, role: 'owner' },
        },
      ]);
    });

    it('answers a duplicate email (any case) like a new one, creating nothing; refuses weak passwords with VALIDATION_FAILED', async () => {
      const account = await auth.register();
      const duplicate = await auth.call('auth.user.register', {
        email: account.email.toUpperCase(),
        password: 'another long passphrase',
        name: 'Again',
        organizationName: 'Again',
      });
      expect(duplicate).toEqual({ accepted: true });
      const users: unknown[] = await auth.dataSource.query(`SELECT 1 FROM users WHERE lower(email) = $1`, [
        account.email,
      ]);
      expect(users).toHaveLength(1);
      await expect(auth.login(account.email, STRONG_PASSWORD)).resolves.toMatchObject({
        principal: { userId: account.userId },
      });

      const common = await rejectionOf(
        auth.call('auth.user.register', {
          email: 'weak@example.test',
          password: 'password123',
          name: 'Weak',
          organizationName: 'Weak',
        }),
      );
      expect(common).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { issues: [expect.objectContaining({ path: 'password' })] },
      });
      const short = await rejectionOf(
        auth.call('auth.user.register', {
          email: 'x@example.test',
          password: 'short',
          name: 'X',
          organizationName: 'X',
        }),
      );
      expect(short.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('login', () => {
    it('opens a new session with a correct password', async () => {
      const account = await auth.register();
      const { tokens, principal } = await auth.login(account.email.toUpperCase(), account.password);
      expect(principal).toMatchObject({ userId: account.userId, organizationId: account.organizationId });
      expect(principal.sessionId).not.toBe(account.principal.sessionId);
      expect(tokens.refreshToken).not.toBe(account.tokens.refreshToken);
    });

    it('answers wrong password and unknown email with the same UNAUTHENTICATED message', async () => {
      const account = await auth.register();
      const wrong = await rejectionOf(
        auth.call('auth.session.login', { email: account.email, password: 'not the password' }),
      );
      const unknown = await rejectionOf(
        auth.call('auth.session.login', { email: 'nobody@example.test', password: 'not the password' }),
      );
      expect(wrong).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid email or password' });
      expect(unknown).toMatchObject({ code: 'UNAUTHENTICATED', message: wrong.message });
    });

    it('opens the session in a requested organization only when the user is a member (NOT_FOUND otherwise)', async () => {
      const account = await auth.register();
      const other = await auth.register();
      const error = await rejectionOf(
        auth.call('auth.session.login', {
          email: account.email,
          password: account.password,
          organizationId: other.organizationId,
        }),
      );
      expect(error.code).toBe('NOT_FOUND');
    });
  });

  describe('refresh', () => {
    it('rotates the refresh token on every use and mints a new access token', async () => {
      const account = await auth.register();
      const first = await auth.call('auth.session.refresh', { refreshToken: account.tokens.refreshToken });
      expect(first.refreshToken).not.toBe(account.tokens.refreshToken);
      const claims = await auth.verifyAccessToken(first.accessToken);
      expect(claims).toMatchObject({ sub: account.userId, sid: account.principal.sessionId });
      expect(claims.jti).not.toBe(account.principal.tokenId);

      const second = await auth.call('auth.session.refresh', { refreshToken: first.refreshToken });
      expect(second.refreshToken).not.toBe(first.refreshToken);
    });

    it('within the grace window, a retried spent token gets the same successor (concurrent clients)', async () => {
      const account = await auth.register();
      const [a, b] = await Promise.all([
        auth.call('auth.session.refresh', { refreshToken: account.tokens.refreshToken }),
        auth.call('auth.session.refresh', { refreshToken: account.tokens.refreshToken }),
      ]);
      expect(a.refreshToken).toBe(b.refreshToken);
      const again = await auth.call('auth.session.refresh', { refreshToken: account.tokens.refreshToken });
      expect(again.refreshToken).toBe(a.refreshToken);
      // The session is intact: the successor still works, and rotates to a new pair of the same user.
      const rotated = await auth.call('auth.session.refresh', { refreshToken: a.refreshToken });
      expect(rotated.refreshToken).not.toBe(a.refreshToken);
      await expect(auth.verifyAccessToken(rotated.accessToken)).resolves.toMatchObject({
        sub: account.userId,
      });
    });

    it('reusing a spent token after the grace window revokes the whole family and its access tokens', async () => {
      const account = await auth.register();
      const next = await auth.call('auth.session.refresh', { refreshToken: account.tokens.refreshToken });
      await sleep(GRACE_SECONDS * 1000 + 200);

      const reuse = await rejectionOf(
        auth.call('auth.session.refresh', { refreshToken: account.tokens.refreshToken }),
      );
      expect(reuse.code).toBe('UNAUTHENTICATED');
      // The legitimate holder's successor is dead too: the family is gone.
      const successor = await rejectionOf(
        auth.call('auth.session.refresh', { refreshToken: next.refreshToken }),
      );
      expect(successor.code).toBe('UNAUTHENTICATED');
      expect(await auth.isDenied(denylistKeys.session(account.principal.sessionId!))).toBe(true);
      // Other sessions of the same user are untouched.
      const other = await auth.login(account.email, account.password);
      const refreshed = await auth.call('auth.session.refresh', { refreshToken: other.tokens.refreshToken });
      await expect(auth.verifyAccessToken(refreshed.accessToken)).resolves.toMatchObject({
        sub: account.userId,
        sid: other.principal.sessionId,
      });
    });

    it('within the grace window, a spent token whose successor was already used revokes the family', async () => {
      const account = await auth.register();
      const next = await auth.call('auth.session.refresh', { refreshToken: account.tokens.refreshToken });
      await auth.call('auth.session.refresh', { refreshToken: next.refreshToken });
      const replay = await rejectionOf(
        auth.call('auth.session.refresh', { refreshToken: account.tokens.refreshToken }),
      );
      expect(replay.code).toBe('UNAUTHENTICATED');
      expect(await auth.isDenied(denylistKeys.session(account.principal.sessionId!))).toBe(true);
    });

    it('refuses unknown tokens', async () => {
      const error = await rejectionOf(auth.call('auth.session.refresh', { refreshToken: 'made-up-token' }));
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });

  describe('logout', () => {
    it('revokes the session family and denylists the access token until it expires', async () => {
      const account = await auth.register();
      await expect(auth.call('auth.session.logout', {}, account.principal)).resolves.toEqual({
        loggedOut: true,
      });

      const jtiKey = denylistKeys.token(account.principal.tokenId!);
      expect(await auth.isDenied(jtiKey)).toBe(true);
      const ttl = await auth.redis.ttl(jtiKey);
      expect(ttl).toBeGreaterThan(15 * 60 - 5);
      expect(ttl).toBeLessThanOrEqual(15 * 60 + 60);
      expect(await auth.isDenied(denylistKeys.session(account.principal.sessionId!))).toBe(true);

      const refresh = await rejectionOf(
        auth.call('auth.session.refresh', { refreshToken: account.tokens.refreshToken }),
      );
      expect(refresh.code).toBe('UNAUTHENTICATED');
    });

    it('logout-all revokes every session of the user in every organization', async () => {
      const account = await auth.register();
      const second = await auth.login(account.email, account.password);
      const created = await auth.call('auth.organization.create', { name: 'Second Org' }, account.principal);
      const third = await auth.call(
        'auth.organization.switch',
        { organizationId: created.organization.id },
        second.principal,
      );
      const thirdPrincipal = await auth.principalOf(third.accessToken);
      const bystander = await auth.register();

      const result = await auth.call('auth.session.logout-all', {}, account.principal);
      // account's first session and the switched one (the second was ended by the switch itself).
      expect(result.sessionsRevoked).toBe(2);
      for (const sid of [
        account.principal.sessionId!,
        second.principal.sessionId!,
        thirdPrincipal.sessionId!,
      ]) {
        expect(await auth.isDenied(denylistKeys.session(sid))).toBe(true);
      }
      expect(await auth.isDenied(denylistKeys.token(account.principal.tokenId!))).toBe(true);
      for (const token of [account.tokens.refreshToken, second.tokens.refreshToken, third.refreshToken]) {
        expect((await rejectionOf(auth.call('auth.session.refresh', { refreshToken: token }))).code).toBe(
          'UNAUTHENTICATED',
        );
      }
      const refreshed = await auth.call('auth.session.refresh', {
        refreshToken: bystander.tokens.refreshToken,
      });
      await expect(auth.verifyAccessToken(refreshed.accessToken)).resolves.toMatchObject({
        sub: bystander.userId,
        sid: bystander.principal.sessionId,
      });
    });

    it('needs a user principal', async () => {
      expect((await rejectionOf(auth.call('auth.session.logout', {}, null))).code).toBe('UNAUTHENTICATED');
    });
  });

  describe('organizations', () => {
    it('creates, lists and switches organizations; the new token carries the new organization', async () => {
      const account = await auth.register({ organizationName: 'First' });
      const created = await auth.call('auth.organization.create', { name: 'Second' }, account.principal);
      expect(created).toMatchObject({ organization: { name: 'Second', plan: 'FREE' }, role: 'owner' });

      const list = await auth.call('auth.organization.list', {}, account.principal);
      expect(list.items.map((m) => [m.organization.name, m.role])).toEqual([
        ['First', 'owner'],
        ['Second', 'owner'],
      ]);

      const switched = await auth.call(
        'auth.organization.switch',
        { organizationId: created.organization.id },
        account.principal,
      );
      const principal = await auth.principalOf(switched.accessToken);
      expect(principal).toMatchObject({ organizationId: created.organization.id, roles: ['owner'] });
      // The previous session ended; the next login lands in the organization used last.
      expect(await auth.isDenied(denylistKeys.session(account.principal.sessionId!))).toBe(true);
      const again = await auth.login(account.email, account.password);
      expect(again.principal.organizationId).toBe(created.organization.id);
    });

    it('refuses to switch into an organization the caller is not a member of (NOT_FOUND)', async () => {
      const account = await auth.register();
      const stranger = await auth.register();
      const error = await rejectionOf(
        auth.call('auth.organization.switch', { organizationId: stranger.organizationId }, account.principal),
      );
      expect(error.code).toBe('NOT_FOUND');
    });
  });

  describe('profile', () => {
    it('updates the name', async () => {
      const account = await auth.register();
      const updated = await auth.call('auth.profile.update', { name: '  Grace Hopper ' }, account.principal);
      expect(updated.user.name).toBe('Grace Hopper');
    });

    it('rejects calls without a principal (UNAUTHENTICATED) and with an API-key principal (FORBIDDEN)', async () => {
      expect((await rejectionOf(auth.call('auth.profile.get', {}, null))).code).toBe('UNAUTHENTICATED');
      const account = await auth.register();
      const keyPrincipal = {
        ...account.principal,
        userId: null,
        apiKeyId: '00000000-0000-4000-8000-000000000000',
      };
      expect((await rejectionOf(auth.call('auth.profile.get', {}, keyPrincipal))).code).toBe('FORBIDDEN');
      // A user principal that also carries a key id is inconsistent: refused as the key, never served as the user.
      const mixed = { ...account.principal, apiKeyId: '00000000-0000-4000-8000-000000000000' };
      for (const pattern of ['auth.profile.get', 'auth.member.list', 'auth.api-key.list'] as const) {
        expect(await rejectionOf(auth.call(pattern, {}, mixed))).toMatchObject({
          code: 'FORBIDDEN',
          message: 'This operation needs a signed-in user, not an API key',
        });
      }
    });

    it('serves the JWKS with the signing key of the tokens', async () => {
      const account = await auth.register();
      const jwks = await auth.call('auth.jwks.get', {});
      const { kid } = await auth.verifyAccessToken(account.tokens.accessToken);
      expect(jwks.keys.map((k) => k.kid)).toContain(kid);
      expect(jwks.keys[0]).toEqual({
        kty: 'RSA',
        use: 'sig',
        alg: 'RS256',
        kid: expect.any(String),
        n: expect.any(String),
        e: 'AQAB',
      });
    });
  });
});
