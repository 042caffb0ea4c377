import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@platform/bootstrap';
import { ConflictError } from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import { EmailVerificationService } from '../email-verification/email-verification.service';
import { BackgroundMail } from '../mail/background-mail';
import { MailQuota } from '../mail/mail-quota';
import { MailTemplates } from '../mail/mail-templates';
import { Mailer } from '@platform/mail';
import { OrganizationService } from '../organizations/organization.service';
import { PasswordHasher } from '../security/password-hasher';
import { assertAcceptablePassword } from '../security/password-policy';
import type { AuthRequest, AuthResult } from '@platform/contracts';
import type { UserEntity } from '../users/user.entity';
import { UserService } from '../users/user.service';

/**
 * Sign-up without telling who has an account: a new and a taken address get the same answer, after
 * the same argon2 work, with every mail sent after the reply. A new address gets a user (unverified),
 * their organization (FREE, them as owner) and a verification link; a taken one only a mail to its
 * owner. No tokens: the client signs in with the password it just chose.
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly users: UserService,
    private readonly organizations: OrganizationService,
    private readonly hasher: PasswordHasher,
    private readonly verification: EmailVerificationService,
    private readonly mailer: Mailer,
    private readonly templates: MailTemplates,
    private readonly quota: MailQuota,
    private readonly background: BackgroundMail,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async register(input: AuthRequest<'auth.user.register'>): Promise<AuthResult<'auth.user.register'>> {
    // Depends on the input only (not on the account), so it may answer early.
    assertAcceptablePassword(input.password, input.email, 'password');
    // Before knowing whether the address is taken: both paths pay for one argon2 hash.
    const passwordHash = await this.hasher.hash(input.password);
    const created = await this.createAccount(input, passwordHash);
    if (created) {
      this.background.run('verification', () => this.verification.sendLink(created));
    } else {
      this.background.run('already registered', () => this.notifyOwner(input.email));
    }
    return { accepted: true };
  }

  /** The new user, or null when the address is taken (also when a concurrent sign-up won the race). */
  private async createAccount(
    input: AuthRequest<'auth.user.register'>,
    passwordHash: string,
  ): Promise<UserEntity | null> {
    if (await this.users.findByEmail(input.email)) return null;
    try {
      // The new organization is the tenant of the new membership, and exists only inside this
      // transaction: no tenant transaction can be opened for it yet.
      return await this.tenants.runAsSystem('auth.user.register', async (manager) => {
        const user = await this.users.create(manager, {
          email: input.email,
          name: input.name,
          passwordHash,
          emailVerified: false,
        });
        await this.organizations.createWithOwner(manager, {
          name: input.organizationName,
          ownerUserId: user.id,
        });
        return user;
      });
    } catch (error) {
      if (error instanceof ConflictError) return null;
      throw error;
    }
  }

  private async notifyOwner(email: string): Promise<void> {
    const owner = await this.users.findByEmail(email);
    if (!owner) return;
    const decision = await this.quota.toRecipient('already-registered', owner.email);
    if (!decision.allowed) {
      this.logger.warn(
        { userId: owner.id },
        'already-registered email skipped: recipient mail limit reached',
      );
      return;
    }
    await this.mailer.send(this.templates.alreadyRegistered(owner.email));
  }
}
