import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '@platform/contracts';
import { OrganizationEntity } from '../organizations/organization.entity';
import { UserEntity } from '../users/user.entity';

@Check('invitations_role_check', `role IN ('owner', 'admin', 'developer', 'billing', 'viewer')`)
@Index('uq_invitations_token_hash', ['tokenHash'], { unique: true })
@Index('idx_invitations_organization', ['organizationId'])
// At most one open invitation per (organization, lower(email)): an expression TypeORM cannot declare.
@Index('uq_invitations_open', { synchronize: false })
@Entity({ name: 'invitations' })
export class InvitationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @ForeignKey(() => OrganizationEntity, { name: 'invitations_organization_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid')
  organizationId!: string;

  @Column('text')
  email!: string;

  @Column('text')
  role!: Role;

  /** SHA-256 of the emailed token; the token itself is never stored. */
  @Column('text')
  tokenHash!: string;

  @ForeignKey(() => UserEntity, { name: 'invitations_invited_by_fkey', onDelete: 'CASCADE' })
  @Column('uuid')
  invitedBy!: string;

  @Column('timestamptz')
  expiresAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  acceptedAt!: Date | null;

  @Column('uuid', { nullable: true })
  acceptedBy!: string | null;

  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;
}
