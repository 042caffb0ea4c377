import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A machine credential of an organization: `pk_<prefix>_<secret>`, stored as SHA-256 of the whole key. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  organizationId!: string;

  @Column('uuid')
  createdBy!: string;

  @Column('text')
  name!: string;

  /** Shown in lists so people can tell keys apart; not secret. */
  @Column('text')
  prefix!: string;

  @Column('text')
  keyHash!: string;

  @Column('text', { array: true, default: () => "'{}'" })
  scopes!: string[];

  @Column('timestamptz', { nullable: true })
  expiresAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  lastUsedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;
}
