import type { Role } from '@platform/contracts';
import type { AuthResult } from '@platform/contracts';
import type { OrganizationEntity } from './organization.entity';

export type OrganizationDto = AuthResult<'auth.organization.create'>['organization'];
export type MembershipDto = AuthResult<'auth.organization.list'>['items'][number];

export function toOrganizationDto(organization: OrganizationEntity): OrganizationDto {
  return {
    id: organization.id,
    name: organization.name,
    plan: organization.plan,
    createdAt: organization.createdAt.toISOString(),
  };
}

export function toMembershipDto(organization: OrganizationEntity, role: Role, joinedAt: Date): MembershipDto {
  return { organization: toOrganizationDto(organization), role, joinedAt: new Date(joinedAt).toISOString() };
}
