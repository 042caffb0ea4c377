import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { ForbiddenError } from '@platform/errors';
import { contractHandlers, CurrentUser, type CurrentUserContext } from '@platform/messaging';
import { ProfileQuery } from './profile.query';
import { toUserDto } from './user.mapper';
import { UserService } from './user.service';

const Auth = contractHandlers(authContract);

/** `GET/PUT /v1/auth/profile`: the caller, the organization of their token and their role in it. */
@Controller()
export class ProfileHandlers {
  constructor(
    private readonly users: UserService,
    private readonly profiles: ProfileQuery,
  ) {}

  @Auth.MessagePattern(AUTH_RPC.getProfile)
  async get(@CurrentUser() user: CurrentUserContext) {
    const profile = await this.profiles.find(user.userId, user.organizationId);
    if (!profile) throw new ForbiddenError('You are not a member of this organization');
    return profile;
  }

  @Auth.MessagePattern(AUTH_RPC.updateProfile)
  async update(@Payload() data: AuthRequest<'auth.profile.update'>, @CurrentUser() user: CurrentUserContext) {
    return { user: toUserDto(await this.users.updateName(user.userId, data.name)) };
  }
}
