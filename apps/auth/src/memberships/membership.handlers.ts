import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import {
  contractHandlers,
  CurrentUser,
  RequirePermission,
  type CurrentUserContext,
} from '@platform/messaging';
import { toMemberDto } from './member.mapper';
import { MembershipService } from './membership.service';

const Auth = contractHandlers(authContract);

/**
 * The guard checks the permission the caller's token carries (as the gateway did); the service then
 * re-checks the caller's current role in the database, which stays the authority (a demoted member's
 * still-valid token must not keep the old role).
 */
@Controller()
export class MembershipHandlers {
  constructor(private readonly memberships: MembershipService) {}

  @Auth.MessagePattern(AUTH_RPC.listMembers)
  @RequirePermission('members:read', { kinds: ['user'] })
  async list(@Payload() data: AuthRequest<'auth.member.list'>, @CurrentUser() user: CurrentUserContext) {
    const { rows, nextCursor } = await this.memberships.list(user, data);
    return { items: rows.map(toMemberDto), nextCursor };
  }

  @Auth.MessagePattern(AUTH_RPC.changeMemberRole)
  @RequirePermission('members:update-role', { kinds: ['user'] })
  async changeRole(
    @Payload() data: AuthRequest<'auth.member.change-role'>,
    @CurrentUser() user: CurrentUserContext,
  ) {
    return { member: toMemberDto(await this.memberships.changeRole(user, data.userId, data.role)) };
  }

  @Auth.MessagePattern(AUTH_RPC.removeMember)
  @RequirePermission('members:remove', { kinds: ['user'] })
  async remove(@Payload() data: AuthRequest<'auth.member.remove'>, @CurrentUser() user: CurrentUserContext) {
    await this.memberships.remove(user, data.userId);
    return { removed: true as const };
  }
}
