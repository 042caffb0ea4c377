import type { AuthResult } from '@platform/contracts';
import type { InvitationEntity } from './invitation.entity';

export type InvitationDto = AuthResult<'auth.invitation.create'>['invitation'];

export function toInvitationDto(invitation: InvitationEntity): InvitationDto {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    expiresAt: invitation.expiresAt.toISOString(),
    createdAt: invitation.createdAt.toISOString(),
    invitedBy: invitation.invitedBy,
  };
}
