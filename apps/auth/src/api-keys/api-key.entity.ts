import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity';

/** A machine credential of an organization: `pk_<prefix>_<secret>`, stored as SHA-256 of the whole key. */
@Index('uq_api_keys_hash', ['keyHash'], { unique: true })
@Index('idx_api_keys_organization', ['organizationId'])
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @ForeignKey(() => OrganizationEntity, { name: 'api_keys_organization_id_fkey', onDelete: 'CASCADE' })
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
