import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError } from '@platform/errors';
import { OrganizationService } from '../organizations/organization.service';
import { PasswordHasher } from '../security/password-hasher';
import { assertAcceptablePassword } from '../security/password-policy';
import { SessionService } from '../sessions/session.service';
import type { AuthRequest, AuthResult } from '../shared/rpc-types';
import { toOrganizationDto } from '../organizations/organization.mapper';
import { toUserDto } from '../users/user.mapper';
import { UserService } from '../users/user.service';

/** Sign-up: a user, their organization (FREE, them as owner) and a first session, all or nothing. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserService,
    private readonly organizations: OrganizationService,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
  ) {}

  async register(input: AuthRequest<'auth.user.register'>): Promise<AuthResult<'auth.user.register'>> {
    assertAcceptablePassword(input.password, input.email, 'password');
    // Cheap early answer; the unique index still decides under concurrency.
    if (await this.users.findByEmail(input.email)) {
      throw new ConflictError('An account with this email already exists');
    }
    const passwordHash = await this.hasher.hash(input.password);
    return this.dataSource.transaction(async (manager) => {
      const user = await this.users.create(manager, {
        email: input.email,
        name: input.name,
        passwordHash,
        emailVerified: false,
      });
      const organization = await this.organizations.createWithOwner(manager, {
        name: input.organizationName,
        ownerUserId: user.id,
      });
      const tokens = await this.sessions.start(user.id, organization.id, manager);
      return { user: toUserDto(user), organization: toOrganizationDto(organization), tokens };
    });
  }
}
