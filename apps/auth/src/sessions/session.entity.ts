import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity';
import { UserEntity } from '../users/user.entity';

/**
 * A login session = one refresh-token family, in one organization. Its id is the `sid` claim of the
 * access tokens it mints; revoking it ends the family and (through the denylist) its access tokens.
 */
@Index('idx_sessions_user_active', ['userId'], { where: 'revoked_at IS NULL' })
@Index('idx_sessions_organization', ['organizationId'])
@Entity({ name: 'sessions' })
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @ForeignKey(() => UserEntity, { name: 'sessions_user_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid')
  userId!: string;

  @ForeignKey(() => OrganizationEntity, { name: 'sessions_organization_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid')
  organizationId!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  lastRefreshedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;

  /** logout, logout-all, reuse, password-reset, switched, removed-from-organization... */
  @Column('text', { nullable: true })
  revokeReason!: string | null;
}
