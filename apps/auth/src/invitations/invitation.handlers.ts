import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { IdempotentCommand } from '@platform/idempotency';
import {
  contractHandlers,
  CurrentUser,
  RequirePermission,
  type CurrentUserContext,
} from '@platform/messaging';
import { toMembershipDto } from '../organizations/organization.mapper';
import { toInvitationDto } from './invitation.mapper';
import { InvitationService } from './invitation.service';

const Auth = contractHandlers(authContract);

/**
 * Managing invitations needs `members:invite` on the caller's token (as the gateway checked); the
 * service re-checks the caller's current role in the database, which stays the authority.
 */
@Controller()
export class InvitationHandlers {
  constructor(private readonly invitations: InvitationService) {}

  /**
   * Idempotent (Idempotency-Key): a retried invitation answers the first one and sends no second
   * email, since a replay never runs the handler (see InvitationService.invite on when it mails).
   */
  @Auth.MessagePattern(AUTH_RPC.inviteMember)
  @RequirePermission('members:invite', { kinds: ['user'] })
  @IdempotentCommand()
  async invite(
    @Payload() data: AuthRequest<'auth.invitation.create'>,
    @CurrentUser() user: CurrentUserContext,
  ) {
    return { invitation: toInvitationDto(await this.invitations.invite(user, data.email, data.role)) };
  }

  @Auth.MessagePattern(AUTH_RPC.listInvitations)
  @RequirePermission('members:invite', { kinds: ['user'] })
  async list(@Payload() data: AuthRequest<'auth.invitation.list'>, @CurrentUser() user: CurrentUserContext) {
    const { rows, nextCursor } = await this.invitations.listOpen(user, data);
    return { items: rows.map(toInvitationDto), nextCursor };
  }

  @Auth.MessagePattern(AUTH_RPC.revokeInvitation)
  @RequirePermission('members:invite', { kinds: ['user'] })
  async revoke(
    @Payload() data: AuthRequest<'auth.invitation.revoke'>,
    @CurrentUser() user: CurrentUserContext,
  ) {
    await this.invitations.revoke(user, data.invitationId);
    return { revoked: true as const };
  }

  /** The accepting user is signed in (in any of their organizations); the token says which one to join. */
  @Auth.MessagePattern(AUTH_RPC.acceptInvitation)
  async accept(
    @Payload() data: AuthRequest<'auth.invitation.accept'>,
    @CurrentUser() user: CurrentUserContext,
  ) {
    const joined = await this.invitations.accept(user, data.token);
    return { membership: toMembershipDto(joined.organization, joined.role, joined.joinedAt) };
  }
}
