import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import { requireUser } from '../shared/principal.guard';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { toMemberDto } from './member.mapper';
import { MembershipService } from './membership.service';

@Injectable()
export class MembershipHandlers {
  constructor(private readonly memberships: MembershipService) {}

  @AuthRpc(AUTH_RPC.listMembers)
  async list(envelope: AuthEnvelope<'auth.member.list'>): Promise<AuthResult<'auth.member.list'>> {
    const { rows, nextCursor } = await this.memberships.list(requireUser(envelope), envelope.data);
    return { items: rows.map(toMemberDto), nextCursor };
  }

  @AuthRpc(AUTH_RPC.changeMemberRole)
  async changeRole(
    envelope: AuthEnvelope<'auth.member.change-role'>,
  ): Promise<AuthResult<'auth.member.change-role'>> {
    const { userId, role } = envelope.data;
    return { member: toMemberDto(await this.memberships.changeRole(requireUser(envelope), userId, role)) };
  }

  @AuthRpc(AUTH_RPC.removeMember)
  async remove(envelope: AuthEnvelope<'auth.member.remove'>): Promise<AuthResult<'auth.member.remove'>> {
    await this.memberships.remove(requireUser(envelope), envelope.data.userId);
    return { removed: true };
  }
}
