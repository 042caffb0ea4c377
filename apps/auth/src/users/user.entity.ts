import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

// Unique on lower(email): an expression TypeORM cannot declare.
@Index('uq_users_email', { synchronize: false })
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored lower-cased; unique case-insensitively. */
  @Column('text')
  email!: string;

  @Column('text')
  name!: string;

  /** argon2id; null for accounts created through OAuth that never set a password. */
  @Column('text', { nullable: true })
  passwordHash!: string | null;

  @Column('boolean', { default: false })
  emailVerified!: boolean;

  /** Sealed with the key-encryption key; set at enrolment, kept while TOTP is on. */
  @Column('text', { nullable: true })
  totpSecretEncrypted!: string | null;

  @Column('boolean', { default: false })
  totpEnabled!: boolean;

  /** Last accepted TOTP time step: a code is accepted once (no replay within its 30 s window). */
  @Column('bigint', {
    nullable: true,
    transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) },
  })
  totpLastStep!: number | null;

  /** Where a login without organizationId lands (the organization used last). */
  @Column('uuid', { nullable: true })
  lastOrganizationId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
