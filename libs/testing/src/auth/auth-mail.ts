import type { SmtpSink } from '../fakes/smtp/smtp-sink';

/**
 * The `token` of the link containing `linkPart` in the newest mail to `email` whose subject matches
 * (waiting for the first one to arrive): a resent or repeated mail supersedes the older ones.
 */
async function tokenOfNewestLink(
  mail: SmtpSink,
  email: string,
  subject: RegExp,
  linkPart: string,
  timeoutMs: number,
): Promise<string> {
  await mail.waitForMessage(email, { subject, timeoutMs });
  const recipient = email.toLowerCase();
  const newest = mail
    .messages()
    .filter((message) => message.to.includes(recipient) && subject.test(message.subject))
    .at(-1)!;
  const link = newest.links.find((url) => url.includes(linkPart));
  if (!link) throw new Error(`no ${linkPart} link in: ${newest.text}`);
  return new URL(link).searchParams.get('token')!;
}

/** The token of the newest email-verification mail to `email`. */
export function verificationTokenFromMail(
  mail: SmtpSink,
  email: string,
  timeoutMs = 10_000,
): Promise<string> {
  return tokenOfNewestLink(mail, email, /verify/i, '/verify-email?', timeoutMs);
}

/** The token of the newest invitation mail to `email`. */
export function invitationTokenFromMail(mail: SmtpSink, email: string, timeoutMs = 10_000): Promise<string> {
  return tokenOfNewestLink(mail, email, /invit/i, '/accept-invitation?', timeoutMs);
}
