import { randomUUID } from 'node:crypto';
import { startSmtpSink, waitFor, type SmtpSink } from '@platform/testing';
import { PasswordHasher } from '../src/security/password-hasher';
import { AuthTestApp, rejectionOf, STRONG_PASSWORD } from './support/auth-test-app';
import { verifyEmail } from './support/team';

/** Registration that does not reveal who has an account, and email verification (SMTP sink). */
describe('auth registration and email verification (SMTP sink)', () => {
  let auth: AuthTestApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    auth = await AuthTestApp.start({ SMTP_URL: smtp.url, MAIL_PER_RECIPIENT_LIMIT: '2' });
  }, 60_000);
  afterAll(async () => {
    await auth?.stop();
    await smtp?.close();
  });

  const registration = (email: string, password = STRONG_PASSWORD) => ({
    email,
    password,
    name: 'Someone',
    organizationName: 'Some Org',
  });
  // Mail counters live in the service's (unprefixed) Redis for an hour: fresh addresses every run.
  const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;
  const mailsTo = (email: string) => smtp.messages().filter((mail) => mail.to.includes(email));

  it('does the same argon2 work for a new and a taken address, and answers both alike', async () => {
    // A spy that calls through: it only counts the real hasher's work on each path.
    const hashes = jest.spyOn(auth.service.app.get(PasswordHasher), 'hash');
    try {
      const email = unique('hash');
      const fresh = await auth.call('auth.user.register', registration(email));
      expect(hashes).toHaveBeenCalledTimes(1);
      const taken = await auth.call('auth.user.register', registration(email, 'other passphrase here'));
      expect(hashes).toHaveBeenCalledTimes(2);
      expect(hashes.mock.calls.map(([password]) => password)).toEqual([
        STRONG_PASSWORD,
        'other passphrase here',
      ]);
      expect(taken).toEqual(fresh);
      expect(Object.keys(taken)).toEqual(['accepted']);
    } finally {
      hashes.mockRestore();
    }
  });

  it('two concurrent registrations of one address make one account and two identical answers', async () => {
    const email = unique('race');
    const answers = await Promise.all([
      auth.call('auth.user.register', registration(email)),
      auth.call('auth.user.register', registration(email, 'a different long passphrase')),
    ]);
    expect(answers).toEqual([{ accepted: true }, { accepted: true }]);
    const users: unknown[] = await auth.dataSource.query(`SELECT 1 FROM users WHERE email = $1`, [email]);
    expect(users).toHaveLength(1);
    // One of them got the verification link, the owner of the address a note about the other.
    await waitFor('both mails', () => mailsTo(email).length === 2);
    expect(
      mailsTo(email)
        .map((mail) => mail.subject)
        .sort(),
    ).toEqual(['This email address is already registered', 'Verify your email address']);
  });

  it('verification: stored hashed, single use, and invitations need it', async () => {
    const owner = await auth.register();
    await auth.setPlan(owner.organizationId, 'STARTER'); // room for the invitation
    const mail = await smtp.waitForMessage(owner.email, { subject: /verify/i });
    const token = new URL(mail.links.find((url) => url.includes('/verify-email?'))!).searchParams.get(
      'token',
    )!;
    const stored: { token_hash: string }[] = await auth.dataSource.query(
      `SELECT token_hash FROM email_verification_tokens WHERE user_id = $1`,
      [owner.userId],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toContain(token);

    const refused = await rejectionOf(
      auth.call('auth.invitation.create', { email: 'guest@example.test', role: 'viewer' }, owner.principal),
    );
    expect(refused.code).toBe('EMAIL_NOT_VERIFIED');

    await expect(auth.call('auth.email-verification.confirm', { token })).resolves.toEqual({
      verified: true,
    });
    expect((await rejectionOf(auth.call('auth.email-verification.confirm', { token }))).code).toBe(
      'EMAIL_VERIFICATION_INVALID',
    );
    await expect(
      auth.call('auth.invitation.create', { email: 'guest@example.test', role: 'viewer' }, owner.principal),
    ).resolves.toMatchObject({ invitation: { email: 'guest@example.test' } });
    // Idempotent helper: an already verified account is left alone.
    await verifyEmail(auth, smtp, owner);
  });

  it('resend: nothing for a verified address, and at most the recipient limit for an unverified one', async () => {
    const pending = await auth.register();
    await smtp.waitForMessage(pending.email, { subject: /verify/i });
    for (let i = 0; i < 4; i++) {
      await expect(auth.call('auth.email-verification.resend', { email: pending.email })).resolves.toEqual({
        accepted: true,
      });
    }
    // Limit 2: the registration mail and one resend.
    await waitFor('the one resent link', () => mailsTo(pending.email).length >= 2);
    const sentinel = await auth.register();
    await smtp.waitForMessage(sentinel.email, { subject: /verify/i });
    expect(mailsTo(pending.email)).toHaveLength(2);
  });
});
