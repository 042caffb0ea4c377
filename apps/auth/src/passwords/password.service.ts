import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, IsNull } from 'typeorm';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError, ValidationError } from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import type { AuthEnv } from '../config/auth-env.schema';
import { UnverifiedAccountClaim } from '../email-verification/unverified-account-claim';
import { BackgroundMail } from '../mail/background-mail';
import { MailQuota } from '../mail/mail-quota';
import { MailTemplates } from '../mail/mail-templates';
import { Mailer } from '@platform/mail';
import { sha256Hex } from '../security/opaque-token';
import { PasswordHasher } from '../security/password-hasher';
import { assertAcceptablePassword } from '../security/password-policy';
import { SessionRevoker } from '../sessions/session-revoker';
import { issueSingleUseToken } from '../security/single-use-link';
import { Clock } from '../shared/clock';
import { returnedRows } from '../shared/postgres';
import type { CurrentUserContext as UserContext } from '@platform/messaging';
import { UserService } from '../users/user.service';
import { PasswordResetTokenEntity } from './password-reset-token.entity';

const INVALID_RESET = 'The reset link is invalid, expired or already used';

@Injectable()
export class PasswordService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantDatabase,
    private readonly users: UserService,
    private readonly hasher: PasswordHasher,
    private readonly revoker: SessionRevoker,
    private readonly claim: UnverifiedAccountClaim,
    private readonly mailer: Mailer,
    private readonly templates: MailTemplates,
    private readonly quota: MailQuota,
    private readonly background: BackgroundMail,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Needs the current password; every other session of the user ends (a thief's included). */
  async change(ctx: UserContext, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.requireById(ctx.userId);
    // 400 on the field rather than 401: the session is valid, only the re-entered password is not.
    if (!user.passwordHash || !(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw new ValidationError([
        { path: 'currentPassword', code: 'invalid_password', message: 'The current password is incorrect' },
      ]);
    }
    assertAcceptablePassword(newPassword, user.email, 'newPassword');
    const hash = await this.hasher.hash(newPassword);
    // The user's other sessions are in every organization they belong to: the system path.
    const ended = await this.tenants.runAsSystem('auth.password.change', async (manager) => {
      await this.users.setPasswordHash(manager, user.id, hash);
      return this.revoker.markUserSessions(manager, user.id, 'password-changed', {
        exceptSessionId: ctx.sessionId,
      });
    });
    await this.revoker.deny(ended);
  }

  /**
   * Always answers the same way, fast, whether or not the email has an account: the lookup, token
   * and mail happen after the reply, so neither content nor timing reveals who is registered.
   */
  requestReset(email: string): void {
    this.background.run('password reset', () => this.sendReset(email));
  }

  async confirmReset(token: string, newPassword: string): Promise<void> {
    const row = await this.dataSource.manager.findOneBy(PasswordResetTokenEntity, {
      tokenHash: sha256Hex(token),
      usedAt: IsNull(),
    });
    if (!row || row.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new DomainError('BAD_REQUEST', INVALID_RESET);
    }
    const user = await this.users.requireById(row.userId);
    assertAcceptablePassword(newPassword, user.email, 'newPassword');
    const hash = await this.hasher.hash(newPassword);
    // No principal (a mailed link), and the account's sessions and keys span its organizations.
    const ended = await this.tenants.runAsSystem('auth.password.reset', async (manager) => {
      // Single use even under concurrency: only one confirm flips used_at.
      const claimed = await manager.query(
        `UPDATE password_reset_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id`,
        [row.id],
      );
      if (returnedRows(claimed).length !== 1) throw new DomainError('BAD_REQUEST', INVALID_RESET);
      // An unverified account's second factor and keys may be a squatter's: the mailbox's owner resets them too.
      const claimedSessions = user.emailVerified ? [] : await this.claim.clear(manager, user.id);
      await this.users.setPasswordHash(manager, user.id, hash);
      // The link reached the mailbox, so the address is proven.
      await this.users.markEmailVerified(manager, user.id);
      return [
        ...claimedSessions,
        ...(await this.revoker.markUserSessions(manager, user.id, 'password-reset')),
      ];
    });
    await this.revoker.deny(ended);
  }

  private async sendReset(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user) return;
    // Past the recipient's budget nothing is sent and the previous link stays the valid one.
    const decision = await this.quota.toRecipient('password-reset', user.email);
    if (!decision.allowed) {
      this.logger.warn({ userId: user.id }, 'password reset email skipped: recipient mail limit reached');
      return;
    }
    const ttl = this.config.PASSWORD_RESET_TTL_SECONDS;
    const token = await issueSingleUseToken(
      this.dataSource,
      PasswordResetTokenEntity,
      user.id,
      this.clock.now(),
      this.clock.in(ttl),
    );
    await this.mailer.send(this.templates.passwordReset(user.email, token, ttl));
  }
}
