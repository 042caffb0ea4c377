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
 * Invites a fresh user into `owner`'s organization with `role` and has them accept; returns their
 * principal switched into that organization.
 */
export async function addMember(auth: AuthTestApp, smtp: SmtpSink, owner: TestAccount, role: Role) {
  const member = await auth.register();
  await auth.call('auth.invitation.create', { email: member.email, role }, owner.principal);
  const token = await invitationToken(smtp, member.email);
  smtp.clear();
  await auth.call('auth.invitation.accept', { token }, member.principal);
  const { principal } = await auth.login(member.email, member.password, owner.organizationId);
  return { ...member, principal, organizationId: owner.organizationId };
}
