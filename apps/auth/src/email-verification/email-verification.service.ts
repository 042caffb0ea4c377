import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, IsNull } from 'typeorm';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import type { AuthEnv } from '../config/auth-env.schema';
import { BackgroundMail } from '../mail/background-mail';
import { MailQuota } from '../mail/mail-quota';
import { MailTemplates } from '../mail/mail-templates';
import { Mailer } from '@platform/mail';
import { sha256Hex } from '../security/opaque-token';
import { issueSingleUseToken } from '../security/single-use-link';
import { Clock } from '../shared/clock';
import { returnedRows } from '../shared/postgres';
import type { UserEntity } from '../users/user.entity';
import { UserService } from '../users/user.service';
import { EmailVerificationTokenEntity } from './email-verification-token.entity';

const INVALID_LINK = 'The verification link is invalid, expired or already used';

/** Proves that a user controls their email address with an emailed single-use link. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserService,
    private readonly mailer: Mailer,
    private readonly templates: MailTemplates,
    private readonly quota: MailQuota,
    private readonly background: BackgroundMail,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AuthEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Mails a fresh link (only the newest works). Within the recipient's mail budget only: past it the
   * previous link stays valid and nothing is sent, so a flood of requests cannot flood the mailbox.
   */
  async sendLink(user: Pick<UserEntity, 'id' | 'email'>): Promise<void> {
    const decision = await this.quota.toRecipient('email-verification', user.email);
    if (!decision.allowed) {
      this.logger.warn({ userId: user.id }, 'verification email skipped: recipient mail limit reached');
      return;
    }
    const ttl = this.config.EMAIL_VERIFICATION_TTL_SECONDS;
    const token = await issueSingleUseToken(
      this.dataSource,
      EmailVerificationTokenEntity,
      user.id,
      this.clock.now(),
      this.clock.in(ttl),
    );
    await this.mailer.send(this.templates.emailVerification(user.email, token, ttl));
  }

  /**
   * Same answer for every address, after the reply: a link only goes to an existing, still
   * unverified account.
   */
  requestResend(email: string): void {
    this.background.run('verification (resend)', async () => {
      const user = await this.users.findByEmail(email);
      if (user && !user.emailVerified) await this.sendLink(user);
    });
  }

  /** Single use, even under concurrency: only one confirm flips used_at. */
  async confirm(token: string): Promise<void> {
    const row = await this.dataSource.manager.findOneBy(EmailVerificationTokenEntity, {
      tokenHash: sha256Hex(token),
      usedAt: IsNull(),
    });
    if (!row || row.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new DomainError('EMAIL_VERIFICATION_INVALID', INVALID_LINK);
    }
    await this.dataSource.transaction(async (manager) => {
      const claimed = await manager.query(
        `UPDATE email_verification_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id`,
        [row.id],
      );
      if (returnedRows(claimed).length !== 1)
        throw new DomainError('EMAIL_VERIFICATION_INVALID', INVALID_LINK);
      await this.users.markEmailVerified(manager, row.userId);
    });
  }
}
