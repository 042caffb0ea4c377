import { randomBytes } from 'node:crypto';
import { SecretBox } from '../src/security/secret-box';
import { Clock } from '../src/shared/clock';
import { SigningKeyService } from '../src/signing-keys/signing-key.service';
import { AuthTestApp, rejectionOf } from './support/auth-test-app';

describe('auth service unhappy paths', () => {
  let auth: AuthTestApp;

  beforeAll(async () => {
    // Mail goes to a port nobody listens on; no OAuth provider is configured.
    auth = await AuthTestApp.start({
      SMTP_URL: 'smtp://127.0.0.1:9',
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
  }, 60_000);
  afterAll(() => auth?.stop());

  it('an OAuth provider without client id answers BAD_REQUEST naming the variable', async () => {
    for (const provider of ['google', 'github', 'microsoft'] as const) {
      const error = await rejectionOf(
        auth.call('auth.oauth.authorize', { provider, redirectUri: 'http://localhost:3000/oauth/callback' }),
      );
      expect(error).toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining(`OAUTH_${provider.toUpperCase()}_CLIENT_ID`),
      });
    }
  });

  it('an invitation whose email cannot be sent answers SERVICE_UNAVAILABLE and does not stay open', async () => {
    const owner = await auth.register();
    await auth.setPlan(owner.organizationId, 'STARTER'); // room for the invitation
    await auth.markEmailVerified(owner.userId);
    const error = await rejectionOf(
      auth.call('auth.invitation.create', { email: 'invitee@example.test', role: 'viewer' }, owner.principal),
    );
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect((await auth.call('auth.invitation.list', {}, owner.principal)).items).toEqual([]);
  }, 30_000);

  it('registration is still accepted when mail is down (the verification mail failure is logged, not shown)', async () => {
    await expect(
      auth.call('auth.user.register', {
        email: 'mail-down@example.test',
        password: 'correct horse battery staple',
        name: 'Mail Down',
        organizationName: 'Mail Down',
      }),
    ).resolves.toEqual({ accepted: true });
    await expect(auth.login('mail-down@example.test', 'correct horse battery staple')).resolves.toMatchObject(
      {
        tokens: { tokenType: 'Bearer' },
      },
    );
  });

  it('a password reset request is still accepted when mail is down (the failure is logged, not shown)', async () => {
    const account = await auth.register();
    await expect(auth.call('auth.password-reset.request', { email: account.email })).resolves.toEqual({
      accepted: true,
    });
  });

  it('invalid request data is VALIDATION_FAILED with the field', async () => {
    const error = await rejectionOf(
      auth.call('auth.user.register', {
        email: 'not-an-email',
        password: 'x'.repeat(12),
        name: 'N',
        organizationName: 'O',
      }),
    );
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const account = await auth.register();
    const badId = await rejectionOf(
      auth.call('auth.member.remove', { userId: 'not-a-uuid' }, account.principal),
    );
    expect(badId.code).toBe('VALIDATION_FAILED');
  });

  it('refuses to start when KEY_ENCRYPTION_KEY cannot open the stored signing keys', async () => {
    // The start-up check of a replica whose key differs, run on the real database.
    const replicaKeys = new SigningKeyService(
      auth.dataSource,
      new SecretBox(randomBytes(32)),
      new Clock(),
      auth.service.config,
      auth.service.logger,
    );
    await expect(replicaKeys.onModuleInit()).rejects.toThrow(
      /KEY_ENCRYPTION_KEY is not the key they were sealed with/,
    );
    replicaKeys.onApplicationShutdown();
  });

  it('a member of another organization cannot use a foreign organization id smuggled in data', async () => {
    const a = await auth.register();
    const b = await auth.register();
    // `organizationId` is not part of these requests (the contract's type refuses it, hence the widened
    // variable): the principal decides the tenant.
    const smuggled: Record<string, unknown> = { organizationId: b.organizationId };
    const list = await auth.call('auth.member.list', smuggled, a.principal);
    expect(list.items.map((m) => m.userId)).toEqual([a.userId]);
  });
});
