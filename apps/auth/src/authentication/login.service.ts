import { Injectable } from '@nestjs/common';
import type { TokenPair } from '@platform/contracts';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import { MembershipRepository } from '../memberships/membership.repository';
import { OrganizationService } from '../organizations/organization.service';
import { PasswordHasher } from '../security/password-hasher';
import { SessionService } from '../sessions/session.service';
import type { AuthRequest, AuthResult } from '@platform/contracts';
import { MfaChallengeStore } from '../totp/mfa-challenge.store';
import { TotpService } from '../totp/totp.service';
import type { UserEntity } from '../users/user.entity';
import { UserService } from '../users/user.service';

/** One message for every credential failure: which part was wrong is not the caller's business. */
export const INVALID_CREDENTIALS = 'Invalid email or password';
const INVALID_CHALLENGE = 'The sign-in challenge is invalid or expired, or the code is wrong';

@Injectable()
export class LoginService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly users: UserService,
    private readonly memberships: MembershipRepository,
    private readonly organizations: OrganizationService,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly totp: TotpService,
    private readonly challenges: MfaChallengeStore,
  ) {}

  async login(input: AuthRequest<'auth.session.login'>): Promise<AuthResult<'auth.session.login'>> {
    const user = await this.users.findByEmail(input.email);
    if (!user?.passwordHash) {
      await this.hasher.verifyAgainstNothing(input.password);
      throw new UnauthenticatedError(INVALID_CREDENTIALS);
    }
    if (!(await this.hasher.verify(user.passwordHash, input.password))) {
      throw new UnauthenticatedError(INVALID_CREDENTIALS);
    }
    if (this.hasher.needsRehash(user.passwordHash)) await this.rehash(user, input.password);
    const organizationId = await this.landingOrganization(user, input.organizationId);
    if (user.totpEnabled) {
      return {
        mfaRequired: true,
        mfaToken: await this.challenges.create({ userId: user.id, organizationId }),
      };
    }
    return { mfaRequired: false, tokens: await this.sessions.start(user.id, organizationId) };
  }

  async completeMfa(input: AuthRequest<'auth.session.verify-mfa'>): Promise<TokenPair> {
    const challenge = await this.challenges.attempt(input.mfaToken);
    if (!challenge) throw new UnauthenticatedError(INVALID_CHALLENGE);
    const user = await this.users.findById(challenge.userId);
    if (!user || !(await this.totp.verifySecondFactor(user, input))) {
      throw new UnauthenticatedError(INVALID_CHALLENGE);
    }
    if (!(await this.challenges.consume(input.mfaToken))) throw new UnauthenticatedError(INVALID_CHALLENGE);
    return this.sessions.start(user.id, challenge.organizationId);
  }

  /**
   * The organization the session opens in: the one asked for (must be a member), else the last one
   * used, else the oldest membership. Only reached after the password was verified. A user's
   * memberships span organizations and there is no principal yet, hence the system path; the
   * session itself then opens in the chosen organization's tenant transaction.
   */
  private landingOrganization(user: UserEntity, requested?: string): Promise<string> {
    return this.tenants.runAsSystem('auth.login.landing-organization', async (manager) => {
      if (requested) {
        if (!(await this.memberships.find(requested, user.id, manager)))
          throw new NotFoundError('Organization', requested);
        return requested;
      }
      if (
        user.lastOrganizationId &&
        (await this.memberships.find(user.lastOrganizationId, user.id, manager))
      ) {
        return user.lastOrganizationId;
      }
      const [first] = await this.organizations.listForUser(user.id, manager);
      if (!first) throw new ForbiddenError('You are not a member of any organization');
      return first.organization.id;
    });
  }

  private async rehash(user: UserEntity, password: string): Promise<void> {
    const hash = await this.hasher.hash(password);
    await this.users.setPasswordHashIfUnchanged(user.id, user.passwordHash!, hash);
  }
}
