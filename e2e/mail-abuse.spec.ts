import type { TokenPair } from '@platform/contracts';
import { waitFor } from '@platform/testing';
import { ensureVerified, register, uniqueEmail, type Account } from './support/accounts';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

type Problem = { status: number; code: string; retryAfterSeconds?: number };

const PER_RECIPIENT = 3;
const PER_ORGANIZATION = 6;
const PHISHING_NAME = 'Platform Security: your account is locked, verify at https://evil.example/login';

/**
 * The platform must not be a mail cannon for whoever signs up (issue 6, point 7): invitations need a
 * verified sender, user text in mail is inert, and mail volume is capped per recipient and per
 * organization.
 */
describe('outgoing mail cannot be abused (whole platform, SMTP sink)', () => {
  const suite = usePlatform(
    {
      ...GENEROUS_LIMITS,
      MAIL_PER_RECIPIENT_LIMIT: String(PER_RECIPIENT),
      MAIL_PER_RECIPIENT_WINDOW_SECONDS: '3600',
      INVITATION_MAILS_PER_ORGANIZATION_LIMIT: String(PER_ORGANIZATION),
      INVITATION_MAILS_PER_ORGANIZATION_WINDOW_SECONDS: '3600',
    },
    { organizationsStartOn: 'ENTERPRISE' },
  );
  const mailsTo = (email: string, subject: RegExp) =>
    suite.platform.mail.messages().filter((m) => m.to.includes(email) && subject.test(m.subject));
  const invite = (owner: Account, email: string) =>
    suite.api.post<Problem>('/v1/orgs/invitations', {
      token: owner.tokens.accessToken,
      json: { email, role: 'viewer' },
    });

  /** A verified user signed into a new organization they named. */
  async function verifiedOwnerOf(organizationName: string): Promise<Account> {
    const owner = await register(suite.api, 'mailer');
    await ensureVerified(suite.api, suite.platform.mail, owner);
    const created = await suite.api.post<{ organization: { id: string } }>('/v1/orgs', {
      token: owner.tokens.accessToken,
      json: { name: organizationName },
    });
    expect(created.status).toBe(201);
    const switched = await suite.api.post<TokenPair>('/v1/orgs/switch', {
      token: owner.tokens.accessToken,
      json: { organizationId: created.body.organization.id },
    });
    expect(switched.status).toBe(200);
    return { ...owner, organizationId: created.body.organization.id, tokens: switched.body };
  }

  it('refuses invitations from an unverified account: 403 EMAIL_NOT_VERIFIED, nothing mailed', async () => {
    const unverified = await register(suite.api, 'unverified');
    const target = uniqueEmail('target');

    const refused = await invite(unverified, target);

    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('EMAIL_NOT_VERIFIED');
    const listed = await suite.api.get<{ items: unknown[] }>('/v1/orgs/invitations', {
      token: unverified.tokens.accessToken,
    });
    expect(listed.body.items).toEqual([]);
    // A later mail to someone else has arrived, and still none to the target.
    const sentinel = await register(suite.api, 'sentinel');
    await suite.platform.mail.waitForMessage(sentinel.email, { subject: /verify/i, timeoutMs: 10_000 });
    expect(suite.platform.mail.messages().filter((m) => m.to.includes(target))).toEqual([]);
  });

  it('renders an organization name inert: escaped in html, defanged in both parts, never a link', async () => {
    const owner = await verifiedOwnerOf(`${PHISHING_NAME} <b>now</b>`);
    const target = uniqueEmail('phished');

    expect((await invite(owner, target)).status).toBe(201);

    const mail = await suite.platform.mail.waitForMessage(target, { subject: /invit/i, timeoutMs: 10_000 });
    expect(mail.links.filter((link) => /evil/i.test(link))).toEqual([]);
    expect(mail.links.every((link) => link.startsWith('http://localhost:3000/'))).toBe(true);
    for (const part of [mail.subject, mail.text, mail.html!]) {
      expect(part).not.toContain('evil.example');
      expect(part).not.toContain('https://');
    }
    expect(mail.text).toContain('https[:]//evil[.]example/login');
    expect(mail.html).toContain('&lt;b&gt;now&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>now</b>');
  });

  it(`delivers at most ${PER_RECIPIENT} of 12 reset requests to one inbox, answering all 12 alike`, async () => {
    const account = await register(suite.api, 'reset-flood');
    const requests = Array.from({ length: 12 }, () =>
      suite.api.post('/v1/auth/password/reset', { json: { email: account.email } }),
    );
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(202));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);

    await waitFor('the allowed reset mails', () => mailsTo(account.email, /reset/i).length >= PER_RECIPIENT);
    // A later reset to another inbox arrives, and the flooded one still holds only the allowed ones.
    const other = await register(suite.api, 'reset-other');
    await suite.api.post('/v1/auth/password/reset', { json: { email: other.email } });
    await suite.platform.mail.waitForMessage(other.email, { subject: /reset/i, timeoutMs: 10_000 });
    expect(mailsTo(account.email, /reset/i)).toHaveLength(PER_RECIPIENT);
  });

  it(`caps invitation re-sends to one recipient at ${PER_RECIPIENT}: then 429 problem+json, nothing mailed`, async () => {
    const owner = await verifiedOwnerOf('Resenders');
    const target = uniqueEmail('resent');

    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await invite(owner, target)).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    const refused = await invite(owner, target);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    await waitFor('the allowed invitations', () => mailsTo(target, /invit/i).length >= PER_RECIPIENT);
    expect(mailsTo(target, /invit/i)).toHaveLength(PER_RECIPIENT);
  });

  it(`caps one organization at ${PER_ORGANIZATION} invitation mails per window, other organizations unaffected`, async () => {
    const owner = await verifiedOwnerOf('Bulk Inviters');
    const statuses: number[] = [];
    for (let i = 0; i < PER_ORGANIZATION + 2; i++) {
      statuses.push((await invite(owner, uniqueEmail(`bulk${i}`))).status);
    }
    expect(statuses).toEqual([...Array(PER_ORGANIZATION).fill(201), 429, 429]);

    const bystander = await verifiedOwnerOf('Bystanders');
    expect((await invite(bystander, uniqueEmail('bystanders-guest'))).status).toBe(201);
  });
});
