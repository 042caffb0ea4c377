import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { AuthEnv } from '../config/auth-env.schema';
import type { MailMessage } from './mailer.port';

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The service's emails. Links point at the web app (APP_BASE_URL), which calls the API with the token. */
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
    return {
      to,
      subject: `You are invited to join ${organizationName}`,
      text:
        `You have been invited to join ${organizationName} as ${role}.\n\n` +
        `Sign in (or create an account with this email address) and open:\n${link}`,
      html:
        `<p>You have been invited to join <strong>${escapeHtml(organizationName)}</strong> as ${escapeHtml(role)}.</p>` +
        `<p>Sign in (or create an account with this email address) and ` +
        `<a href="${escapeHtml(link)}">accept the invitation</a>.</p>`,
    };
  }
}
