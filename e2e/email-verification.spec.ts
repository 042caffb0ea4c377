import { waitFor } from '@platform/testing';
import { Clock } from '../apps/auth/src/shared/clock';
import { PASSWORD, register, signIn, uniqueEmail, verificationToken } from './support/accounts';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

type Problem = { status: number; code: string };
const VERIFICATION_TTL_SECONDS = 600;

/**
 * Registration no longer tells who has an account (issue 6, point 6): one answer for a new and a
 * taken address, the address proven by an emailed single-use link.
 */
describe('registration and email verification through the gateway (whole platform)', () => {
  const suite = usePlatform({
    ...GENEROUS_LIMITS,
    EMAIL_VERIFICATION_TTL_SECONDS: String(VERIFICATION_TTL_SECONDS),
  });
  const body = (email: string, password = PASSWORD) => ({
    email,
    password,
    name: 'Someone',
    organizationName: 'Some Org',
  });
  const profileOf = (accessToken: string) =>
    suite.api.get<{ user: { emailVerified: boolean } }>('/v1/auth/profile', { token: accessToken });

  it('answers a new and an already registered address identically: 202, same body, no tokens', async () => {
    const email = uniqueEmail('taken');
    const fresh = await suite.api.post('/v1/auth/register', { json: body(email) });
    const again = await suite.api.post('/v1/auth/register', {
      json: body(email.toUpperCase(), 'a different long passphrase'),
    });

    expect(fresh.status).toBe(202);
    expect(again.status).toBe(fresh.status);
    expect(again.body).toEqual(fresh.body);
    expect(fresh.body).toEqual({ accepted: true });
    expect(again.headers.get('content-type')).toBe(fresh.headers.get('content-type'));
    expect(JSON.stringify(again.body)).not.toMatch(/token|user|organization/i);
  });

  it('mails the owner of a taken address instead, and changes nothing on the account', async () => {
    const owner = await register(suite.api, 'owner-taken');
    const again = await suite.api.post('/v1/auth/register', {
      json: body(owner.email, 'the squatter passphrase'),
    });
    expect(again.status).toBe(202);

    const mail = await suite.platform.mail.waitForMessage(owner.email, {
      subject: /already registered/i,
      timeoutMs: 10_000,
    });
    expect(mail.text).toMatch(/someone tried to register/i);
    expect(mail.text).toMatch(/sign in or reset your password/i);
    expect(mail.links.some((link) => link.includes('/reset-password'))).toBe(false);
    // The original password still works, the second one never became a credential.
    await expect(signIn(suite.api, owner.email, PASSWORD)).resolves.toMatchObject({ userId: owner.userId });
    const squatter = await suite.api.post('/v1/auth/login', {
      json: { email: owner.email, password: 'the squatter passphrase' },
    });
    expect(squatter.status).toBe(401);
  });

  it('verifies the address with the emailed link, once; the unverified user could already sign in', async () => {
    const account = await register(suite.api, 'verify-flow');
    expect((await profileOf(account.tokens.accessToken)).body.user.emailVerified).toBe(false);

    const token = await verificationToken(suite.platform.mail, account.email);
    const verified = await suite.api.post('/v1/auth/verify-email', { json: { token } });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ verified: true });
    expect((await profileOf(account.tokens.accessToken)).body.user.emailVerified).toBe(true);

    const reused = await suite.api.post<Problem>('/v1/auth/verify-email', { json: { token } });
    expect(reused.status).toBe(400);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
    expect(reused.body.code).toBe('EMAIL_VERIFICATION_INVALID');
  });

  it('refuses an expired link with the same stable code, and a made-up one', async () => {
    const account = await register(suite.api, 'verify-late');
    const token = await verificationToken(suite.platform.mail, account.email);
    // The auth service's clock, moved past the link's lifetime.
    const clock = suite.platform.backends.get('auth')!.app.get(Clock);
    const later = new Date(Date.now() + (VERIFICATION_TTL_SECONDS + 60) * 1000);
    const spy = jest.spyOn(clock, 'now').mockReturnValue(later);
    try {
      const expired = await suite.api.post<Problem>('/v1/auth/verify-email', { json: { token } });
      expect(expired.status).toBe(400);
      expect(expired.body.code).toBe('EMAIL_VERIFICATION_INVALID');
    } finally {
      spy.mockRestore();
    }
    expect((await profileOf(account.tokens.accessToken)).body.user.emailVerified).toBe(false);

    const madeUp = await suite.api.post<Problem>('/v1/auth/verify-email', {
      json: { token: 'x'.repeat(43) },
    });
    expect(madeUp.status).toBe(400);
    expect(madeUp.body.code).toBe('EMAIL_VERIFICATION_INVALID');
  });

  it('a link verifies only the account it was sent to (no crossing between users)', async () => {
    const [a, b] = [await register(suite.api, 'cross-a'), await register(suite.api, 'cross-b')];
    const tokenOfA = await verificationToken(suite.platform.mail, a.email);
    expect((await suite.api.post('/v1/auth/verify-email', { json: { token: tokenOfA } })).status).toBe(200);

    expect((await profileOf(a.tokens.accessToken)).body.user.emailVerified).toBe(true);
    expect((await profileOf(b.tokens.accessToken)).body.user.emailVerified).toBe(false);
  });

  it('resend: one answer for unknown, verified and unverified addresses; only the unverified one gets a link', async () => {
    const pending = await register(suite.api, 'resend');
    const firstToken = await verificationToken(suite.platform.mail, pending.email);
    const unknown = uniqueEmail('nobody');

    const answers = await Promise.all(
      [pending.email, unknown].map((email) =>
        suite.api.post('/v1/auth/verify-email/resend', { json: { email } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    expect(answers[1]!.body).toEqual(answers[0]!.body);

    await suite.platform.mail.waitForMessage(pending.email, { subject: /verify/i, timeoutMs: 10_000 });
    await waitFor('the resent verification mail', async () => {
      const sent = suite.platform.mail.messages().filter((m) => m.to.includes(pending.email));
      return sent.length === 2;
    });
    const secondToken = await verificationToken(suite.platform.mail, pending.email);
    expect(secondToken).not.toBe(firstToken);
    expect((await suite.api.post('/v1/auth/verify-email', { json: { token: secondToken } })).status).toBe(
      200,
    );
    expect(suite.platform.mail.messages().some((m) => m.to.includes(unknown))).toBe(false);
  });
});
