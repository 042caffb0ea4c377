import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { toMembershipDto } from '../organizations/organization.mapper';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import { requireUser } from '../shared/principal.guard';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { toInvitationDto } from './invitation.mapper';
import { InvitationService } from './invitation.service';

@Injectable()
export class InvitationHandlers {
  constructor(private readonly invitations: InvitationService) {}

  @AuthRpc(AUTH_RPC.inviteMember)
  async invite(
    envelope: AuthEnvelope<'auth.invitation.create'>,
  ): Promise<AuthResult<'auth.invitation.create'>> {
    const { email, role } = envelope.data;
    return { invitation: toInvitationDto(await this.invitations.invite(requireUser(envelope), email, role)) };
  }

  @AuthRpc(AUTH_RPC.listInvitations)
  async list(envelope: AuthEnvelope<'auth.invitation.list'>): Promise<AuthResult<'auth.invitation.list'>> {
    const { rows, nextCursor } = await this.invitations.listOpen(requireUser(envelope), envelope.data);
    return { items: rows.map(toInvitationDto), nextCursor };
  }

  @AuthRpc(AUTH_RPC.revokeInvitation)
  async revoke(
    envelope: AuthEnvelope<'auth.invitation.revoke'>,
  ): Promise<AuthResult<'auth.invitation.revoke'>> {
    await this.invitations.revoke(requireUser(envelope), envelope.data.invitationId);
    return { revoked: true };
  }

  /** The accepting user is signed in (in any of their organizations); the token says which one to join. */
  @AuthRpc(AUTH_RPC.acceptInvitation)
  async accept(
    envelope: AuthEnvelope<'auth.invitation.accept'>,
  ): Promise<AuthResult<'auth.invitation.accept'>> {
    const joined = await this.invitations.accept(requireUser(envelope), envelope.data.token);
    return { membership: toMembershipDto(joined.organization, joined.role, joined.joinedAt) };
  }
}
