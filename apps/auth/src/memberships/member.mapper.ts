import type { AuthResult } from '@platform/contracts';
import type { MemberRow } from './membership.repository';

export type MemberDto = AuthResult<'auth.member.change-role'>['member'];

export function toMemberDto(row: MemberRow): MemberDto {
  return {
    userId: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
    joinedAt: new Date(row.joinedAt).toISOString(),
  };
}
