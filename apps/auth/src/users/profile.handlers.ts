import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { ForbiddenError } from '@platform/errors';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import { requireUser } from '../shared/principal.guard';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { ProfileQuery } from './profile.query';
import { toUserDto } from './user.mapper';
import { UserService } from './user.service';

/** `GET/PUT /v1/auth/profile`: the caller, the organization of their token and their role in it. */
@Injectable()
export class ProfileHandlers {
  constructor(
    private readonly users: UserService,
    private readonly profiles: ProfileQuery,
  ) {}

  @AuthRpc(AUTH_RPC.getProfile)
  async get(envelope: AuthEnvelope<'auth.profile.get'>): Promise<AuthResult<'auth.profile.get'>> {
    const ctx = requireUser(envelope);
    const profile = await this.profiles.find(ctx.userId, ctx.organizationId);
    if (!profile) throw new ForbiddenError('You are not a member of this organization');
    return profile;
  }

  @AuthRpc(AUTH_RPC.updateProfile)
  async update(envelope: AuthEnvelope<'auth.profile.update'>): Promise<AuthResult<'auth.profile.update'>> {
    const { userId } = requireUser(envelope);
    return { user: toUserDto(await this.users.updateName(userId, envelope.data.name)) };
  }
}
