import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { AuthEnv } from '../config/auth-env.schema';
import { inertText } from './inert-text';
import type { MailMessage } from '@platform/mail';

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * The service's emails. Links point at the web app (APP_BASE_URL), which calls the API with the token.
 * The only links are the ones built here; user-chosen text is passed through `inertText` (both parts)
 * and HTML-escaped (html part), so it can neither inject markup nor become a link.
 */
@Injectable()
export class MailTemplates {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: AuthEnv) {}

  link(path: string, token: string): string {
    const url = new URL(path, this.config.APP_BASE_URL);
    url.searchParams.set('token', token);
    return url.toString();
  }

  passwordReset(to: string, token: string, ttlSeconds: number): MailMessage {
    const link = this.link('/reset-password', token);
    const minutes = Math.round(ttlSeconds / 60);
    return {
      to,
      subject: 'Reset your password',
      text:
        `Someone asked to reset the password of your account.\n\n` +
        `Open this link within ${minutes} minutes to choose a new one:\n${link}\n\n` +
        `If it was not you, ignore this email: your password stays as it is.`,
      html:
        `<p>Someone asked to reset the password of your account.</p>` +
        `<p><a href="${escapeHtml(link)}">Choose a new password</a> (valid for ${minutes} minutes).</p>` +
        `<p>If it was not you, ignore this email: your password stays as it is.</p>`,
    };
  }

  invitation(to: string, token: string, organizationName: string, role: string): MailMessage {
    const link = this.link('/accept-invitation', token);
    const organization = inertText(organizationName);
    return {
      to,
      subject: `You are invited to join “${organization}”`,
      text:
        `You have been invited to join the organization “${organization}” as ${role}.\n` +
        `(The organization's name is chosen by its members, not by us.)\n\n` +
        `Sign in (or create an account with this email address) and open:\n${link}`,
      html:
        `<p>You have been invited to join the organization “<strong>${escapeHtml(organization)}</strong>” as ${escapeHtml(role)}.<br>` +
        `(The organization's name is chosen by its members, not by us.)</p>` +
        `<p>Sign in (or create an account with this email address) and ` +
        `<a href="${escapeHtml(link)}">accept the invitation</a>.</p>`,
    };
  }

  emailVerification(to: string, token: string, ttlSeconds: number): MailMessage {
    const link = this.link('/verify-email', token);
    const hours = Math.max(1, Math.round(ttlSeconds / 3600));
    return {
      to,
      subject: 'Verify your email address',
      text:
        `Someone created an account with this email address.\n\n` +
        `If it was you, open this link within ${hours} hour(s) to verify the address:\n${link}\n\n` +
        `If it was not you, ignore this email: the address stays unverified.`,
      html:
        `<p>Someone created an account with this email address.</p>` +
        `<p>If it was you, <a href="${escapeHtml(link)}">verify the address</a> (valid for ${hours} hour(s)).</p>` +
        `<p>If it was not you, ignore this email: the address stays unverified.</p>`,
    };
  }

  /** To the owner of an address someone tried to register again; no link, nothing to click. */
  alreadyRegistered(to: string): MailMessage {
    const text =
      `Someone tried to register a new account with this email address, which already has one.\n\n` +
      `If it was you: sign in or reset your password from the sign-in page.\n` +
      `If it was not you, ignore this email: nothing has changed on your account.`;
    return {
      to,
      subject: 'This email address is already registered',
      text,
      html: text
        .split('\n')
        .filter(Boolean)
        .map((line) => `<p>${escapeHtml(line)}</p>`)
        .join(''),
    };
  }

  /** Payments activated the organization's subscription: its organization code, shown this once. */
  organizationCode(to: string, code: string, organizationName: string, plan: string): MailMessage {
    const name = inertText(organizationName);
    return {
      to,
      subject: 'Your organization code',
      text:
        `The ${plan} subscription of ${name} is active.\n\n` +
        `Your organization code is: ${code}\n\n` +
        `Send it as the x-organization-code header to authenticate requests of your organization. ` +
        `Keep it secret: we store only a fingerprint of it and cannot show it again.`,
      html:
        `<p>The ${escapeHtml(plan)} subscription of ${escapeHtml(name)} is active.</p>` +
        `<p>Your organization code is: <code>${escapeHtml(code)}</code></p>` +
        `<p>Keep it secret: we store only a fingerprint of it and cannot show it again.</p>`,
    };
  }
}
