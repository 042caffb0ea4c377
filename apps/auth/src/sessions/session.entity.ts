import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A login session = one refresh-token family, in one organization. Its id is the `sid` claim of the
 * access tokens it mints; revoking it ends the family and (through the denylist) its access tokens.
 */
@Entity({ name: 'sessions' })
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  userId!: string;

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
