import type { Role } from '@platform/contracts';
import { joinOrganization, verifyEmailOverRpc, type SmtpSink } from '@platform/testing';
import type { AuthTestApp, TestAccount } from './auth-test-app';

/** Verifies `account`'s email with the emailed link, unless it already is (idempotent). */
export function verifyEmail(auth: AuthTestApp, smtp: SmtpSink, account: TestAccount): Promise<void> {
  return verifyEmailOverRpc(auth.call, smtp, account);
}

/**
 * Invites a fresh user into `owner`'s organization with `role` and has them accept; returns their
 * account switched into that organization. The owner's email is verified first (invitations need it),
 * and the organization is moved to ENTERPRISE first: invitations need free seats (FREE has one,
 * STARTER five), and a suite's team often outgrows the smaller plans.
 */
export async function addMember(
  auth: AuthTestApp,
  smtp: SmtpSink,
  owner: TestAccount,
  role: Role,
): Promise<TestAccount> {
  await verifyEmail(auth, smtp, owner);
  await auth.dataSource.query(
    `UPDATE organizations SET plan = 'ENTERPRISE' WHERE id = $1`,
    [owner.organizationId],
  );
  const member = await auth.register();
  const session = await joinOrganization(auth.call, smtp, owner, member, role);
  return { ...member, ...session, organizationId: owner.organizationId };
}
