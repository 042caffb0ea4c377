import { authenticator } from 'otplib';
import { denylistKeys } from '@platform/contracts';
import { startSmtpSink, type SmtpSink } from '@platform/testing';
import { AuthTestApp, STRONG_PASSWORD, rejectionOf } from './support/auth-test-app';

const APP_BASE_URL = 'https://app.example.test';
const NEW_PASSWORD = 'a brand new passphrase';

describe('auth passwords: change and reset by email (SMTP sink)', () => {
  let auth: AuthTestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    auth = await AuthTestApp.start({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Platform <no-reply@example.test>',
      APP_BASE_URL,
      PASSWORD_RESET_TTL_SECONDS: '2',
    });
  }, 60_000);
  afterAll(async () => {
    await auth?.stop();
    await smtp?.close();
  });

  /** Asks for a reset and reads the token out of the emailed link. */
  async function resetToken(email: string): Promise<string> {
    smtp.clear();
    await expect(auth.call('auth.password-reset.request', { email })).resolves.toEqual({ accepted: true });
    const mail = await smtp.waitForMessage(email, { subject: /reset/i });
    expect(mail.from).toBe('no-reply@example.test');
    const link = mail.links.find((url) => url.startsWith(`${APP_BASE_URL}/reset-password?`));
    expect(link).toEqual(expect.stringMatching(/[?&]token=[^&]+/));
    return new URL(link!).searchParams.get('token')!;
  }

  describe('change', () => {
    it('needs the current password, and ends every other session', async () => {
      const account = await auth.register();
      const other = await auth.login(account.email, account.password);

      const wrong = await rejectionOf(
        auth.call(
          'auth.password.change',
          { currentPassword: 'not it at all', newPassword: NEW_PASSWORD },
          account.principal,
        ),
      );
      expect(wrong).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { issues: [expect.objectContaining({ path: 'currentPassword' })] },
      });

      await expect(
        auth.call(
          'auth.password.change',
          { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD },
          account.principal,
        ),
      ).resolves.toEqual({ changed: true });

      expect(await auth.isDenied(denylistKeys.session(other.principal.sessionId!))).toBe(true);
      expect(await auth.isDenied(denylistKeys.session(account.principal.sessionId!))).toBe(false);
      // The session that changed the password stays signed in; the new password signs in.
      const refreshed = await auth.call('auth.session.refresh', {
        refreshToken: account.tokens.refreshToken,
      });
      await expect(auth.verifyAccessToken(refreshed.accessToken)).resolves.toMatchObject({
        sub: account.userId,
        sid: account.principal.sessionId,
      });
      expect((await rejectionOf(auth.login(account.email, STRONG_PASSWORD))).code).toBe('UNAUTHENTICATED');
      await expect(auth.login(account.email, NEW_PASSWORD)).resolves.toMatchObject({
        principal: { userId: account.userId },
      });
    });

    it('refuses a new password derived from the email', async () => {
      const account = await auth.register({ email: 'rosalind.franklin@example.test' });
      const error = await rejectionOf(
        auth.call(
          'auth.password.change',
          { currentPassword: STRONG_PASSWORD, newPassword: 'rosalind.franklin2024' },
          account.principal,
        ),
      );
      expect(error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { issues: [expect.objectContaining({ path: 'newPassword' })] },
      });
    });
  });

  describe('reset', () => {
    it('emails a single-use link; confirming sets the password, verifies the email and ends all sessions', async () => {
      const account = await auth.register();
      const token = await resetToken(account.email);

      await expect(
        auth.call('auth.password-reset.confirm', { token, newPassword: NEW_PASSWORD }),
      ).resolves.toEqual({
        reset: true,
      });
      expect(await auth.isDenied(denylistKeys.session(account.principal.sessionId!))).toBe(true);
      expect(
        (await rejectionOf(auth.call('auth.session.refresh', { refreshToken: account.tokens.refreshToken })))
          .code,
      ).toBe('UNAUTHENTICATED');
      const { principal } = await auth.login(account.email, NEW_PASSWORD);
      expect((await auth.call('auth.profile.get', {}, principal)).user.emailVerified).toBe(true);

      const again = await rejectionOf(
        auth.call('auth.password-reset.confirm', { token, newPassword: 'yet another passphrase' }),
      );
      expect(again.code).toBe('BAD_REQUEST');
    });

    it('resetting an unverified account also drops what its registrant set up (second factor, API keys); a verified one keeps them', async () => {
      const squatted = await auth.register();
      const verified = await auth.register();
      await auth.markEmailVerified(verified.userId);
      const keys: string[] = [];
      for (const account of [squatted, verified]) {
        const { secret } = await auth.call('auth.totp.enroll', {}, account.principal);
        await auth.call('auth.totp.verify', { code: authenticator.generate(secret) }, account.principal);
        keys.push((await auth.call('auth.api-key.create', { name: 'k' }, account.principal)).secret);
      }

      for (const account of [squatted, verified]) {
        const token = await resetToken(account.email);
        await auth.call('auth.password-reset.confirm', { token, newPassword: NEW_PASSWORD });
      }

      await expect(
        auth.call('auth.session.login', { email: squatted.email, password: NEW_PASSWORD }),
      ).resolves.toMatchObject({
        mfaRequired: false,
      });
      expect((await rejectionOf(auth.call('auth.api-key.verify', { key: keys[0]! }))).code).toBe(
        'UNAUTHENTICATED',
      );
      await expect(
        auth.call('auth.session.login', { email: verified.email, password: NEW_PASSWORD }),
      ).resolves.toMatchObject({
        mfaRequired: true,
      });
      await expect(auth.call('auth.api-key.verify', { key: keys[1]! })).resolves.toMatchObject({
        principal: { organizationId: verified.organizationId },
      });
    });

    it('answers the same for an unknown email and sends nothing (no account enumeration)', async () => {
      smtp.clear();
      const known = await auth.register();
      await expect(
        auth.call('auth.password-reset.request', { email: 'ghost@example.test' }),
      ).resolves.toEqual({ accepted: true });
      await expect(auth.call('auth.password-reset.request', { email: known.email })).resolves.toEqual({
        accepted: true,
      });
      await smtp.waitForMessage(known.email);
      expect(smtp.messages().flatMap((m) => m.to)).not.toContain('ghost@example.test');
    });

    it('only the newest link works, and links expire', async () => {
      const account = await auth.register();
      const first = await resetToken(account.email);
      const second = await resetToken(account.email);
      expect(first).not.toBe(second);
      expect(
        (
          await rejectionOf(
            auth.call('auth.password-reset.confirm', { token: first, newPassword: NEW_PASSWORD }),
          )
        ).code,
      ).toBe('BAD_REQUEST');

      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const expired = await rejectionOf(
        auth.call('auth.password-reset.confirm', { token: second, newPassword: NEW_PASSWORD }),
      );
      expect(expired).toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/invalid, expired/),
      });
    });

    it('refuses made-up tokens and weak new passwords', async () => {
      expect(
        (
          await rejectionOf(
            auth.call('auth.password-reset.confirm', { token: 'made-up', newPassword: NEW_PASSWORD }),
          )
        ).code,
      ).toBe('BAD_REQUEST');
      const account = await auth.register();
      const token = await resetToken(account.email);
      const weak = await rejectionOf(
        auth.call('auth.password-reset.confirm', { token, newPassword: '1234567890' }),
      );
      expect(weak.code).toBe('VALIDATION_FAILED');
      // The link was not spent by the refused attempt.
      await expect(
        auth.call('auth.password-reset.confirm', { token, newPassword: NEW_PASSWORD }),
      ).resolves.toEqual({ reset: true });
    });
  });
});
