import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { PlanCode } from '@platform/contracts';
import { OrganizationEntity } from '../organizations/organization.entity';

/**
 * An organization code (seed 004): issued when an organization pays, it authenticates requests
 * (`x-organization-code`) and can create an organization once. It is a bearer credential, so only
 * its SHA-256 is stored; the clear code is shown once, to whoever it was issued for.
 */
@Check('organization_codes_plan_check', `plan IN ('FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE')`)
@Index('uq_organization_codes_hash', ['codeHash'], { unique: true })
@Index('idx_organization_codes_organization', ['organizationId'])
@Entity({ name: 'organization_codes' })
export class OrganizationCodeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  codeHash!: string;

  @Column('text')
  plan!: PlanCode;

  /** Null until redeemed into a new organization (or set at issue for an existing one). */
  @ForeignKey(() => OrganizationEntity, {
    name: 'organization_codes_organization_id_fkey',
    onDelete: 'CASCADE',
  })
  @Column('uuid', { nullable: true })
  organizationId!: string | null;

  @Column('timestamptz', { nullable: true })
  expiresAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  redeemedAt!: Date | null;

  @Column('uuid', { nullable: true })
  redeemedBy!: string | null;

  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;
}
