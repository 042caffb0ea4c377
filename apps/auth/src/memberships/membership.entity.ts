import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { Role } from '@platform/contracts';
import { OrganizationEntity } from '../organizations/organization.entity';
import { UserEntity } from '../users/user.entity';

/** A user's role in one organization; the row's existence is what makes them a member. */
@Check('memberships_role_check', `role IN ('owner', 'admin', 'developer', 'billing', 'viewer')`)
@Index('idx_memberships_user', ['userId'])
@Entity({ name: 'memberships' })
export class MembershipEntity {
  @ForeignKey(() => OrganizationEntity, { name: 'memberships_organization_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn('uuid')
  organizationId!: string;

  @ForeignKey(() => UserEntity, { name: 'memberships_user_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn('uuid')
  userId!: string;

  @Column('text')
  role!: Role;

  /** The join date. */
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
