import { authContract, type Principal, type Role, type TokenPair } from '@platform/contracts';
import type { SmtpSink } from '../fakes/smtp/smtp-sink';
import type { ContractCall } from '../service/contract-caller';
import { principalOfAccessToken } from './principal-of-token';
import { invitationTokenFromMail, verificationTokenFromMail } from './auth-mail';

/** A typed, contract-checked caller of auth (`contractCaller(rpc, authContract)` or a test-bed's `call`). */
export type AuthCall = ContractCall<typeof authContract>;

/** Someone who can act: their address and the principal of a session of theirs. */
export interface SignedInUser {
  email: string;
  password: string;
  principal: Principal;
}

/** Logs in (no second factor) and returns the session's tokens and principal. */
export async function signInOverRpc(
  auth: AuthCall,
  email: string,
  password: string,
  organizationId?: string,
): Promise<{ tokens: TokenPair; principal: Principal }> {
  const result = await auth('auth.session.login', { email, password, organizationId });
  if (result.mfaRequired) throw new Error(`login of ${email} asked for a second factor`);
  return { tokens: result.tokens, principal: principalOfAccessToken(result.tokens.accessToken) };
}

/**
 * Proves `user`'s address with the emailed link, unless it already is (idempotent). When the
 * registration mail is gone (a test cleared the sink), a new link is requested.
 */
export async function verifyEmailOverRpc(
  auth: AuthCall,
  mail: SmtpSink,
  user: Pick<SignedInUser, 'email' | 'principal'>,
): Promise<void> {
  const { user: profile } = await auth('auth.profile.get', {}, user.principal);
  if (profile.emailVerified) return;
  const arrived = await mail
    .waitForMessage(user.email, { subject: /verify/i, timeoutMs: 2_000 })
    .catch(() => null);
  if (!arrived) await auth('auth.email-verification.resend', { email: user.email });
  await auth('auth.email-verification.confirm', { token: await verificationTokenFromMail(mail, user.email) });
}

/**
 * `member` joins `owner`'s organization with `role` the way users do it: the owner invites (their
 * address must be verified), the member reads the emailed token, accepts, and logs in to the
 * organization. Returns the new session in that organization.
 */
export async function joinOrganization(
  auth: AuthCall,
  mail: SmtpSink,
  owner: Pick<SignedInUser, 'principal'>,
  member: SignedInUser,
  role: Role,
): Promise<{ tokens: TokenPair; principal: Principal }> {
  await auth('auth.invitation.create', { email: member.email, role }, owner.principal);
  const token = await invitationTokenFromMail(mail, member.email);
  await auth('auth.invitation.accept', { token }, member.principal);
  return signInOverRpc(auth, member.email, member.password, owner.principal.organizationId!);
}
