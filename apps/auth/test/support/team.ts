import type { Role } from '@platform/contracts';
import type { SmtpSink } from '@platform/testing';
import type { AuthTestApp, TestAccount } from './auth-test-app';

/** Reads the invitation token out of the last invitation email to `email`. */
export async function invitationToken(smtp: SmtpSink, email: string): Promise<string> {
  const mail = await smtp.waitForMessage(email, { subject: /invited/i });
  const link = mail.links.find((url) => url.includes('/accept-invitation?'));
  if (!link) throw new Error(`no invitation link in ${mail.text}`);
  return new URL(link).searchParams.get('token')!;
}

/**
 * Verifies `account`'s email with the emailed link, unless it already is (idempotent). When the
 * registration mail is gone (a test cleared the sink), a new link is requested.
 */
export async function verifyEmail(auth: AuthTestApp, smtp: SmtpSink, account: TestAccount): Promise<void> {
  const { user } = await auth.call('auth.profile.get', {}, account.principal);
  if (user.emailVerified) return;
  const arrived = await smtp
    .waitForMessage(account.email, { subject: /verify/i, timeoutMs: 2_000 })
    .catch(() => null);
  if (!arrived) {
    await auth.call('auth.email-verification.resend', { email: account.email });
    await smtp.waitForMessage(account.email, { subject: /verify/i });
  }
  const newest = smtp
    .messages()
    .filter((mail) => mail.to.includes(account.email) && /verify/i.test(mail.subject))
    .at(-1)!;
  const link = newest.links.find((url) => url.includes('/verify-email?'));
  if (!link) throw new Error(`no verification link in ${newest.text}`);
  await auth.call('auth.email-verification.confirm', { token: new URL(link).searchParams.get('token')! });
}

/**
 * Invites a fresh user into `owner`'s organization with `role` and has them accept; returns their
 * principal switched into that organization. The owner's email is verified first (invitations need it).
 */
export async function addMember(auth: AuthTestApp, smtp: SmtpSink, owner: TestAccount, role: Role) {
  await verifyEmail(auth, smtp, owner);
  const member = await auth.register();
  await auth.call('auth.invitation.create', { email: member.email, role }, owner.principal);
  const token = await invitationToken(smtp, member.email);
  smtp.clear();
  await auth.call('auth.invitation.accept', { token }, member.principal);
  const { principal } = await auth.login(member.email, member.password, owner.organizationId);
  return { ...member, principal, organizationId: owner.organizationId };
}
