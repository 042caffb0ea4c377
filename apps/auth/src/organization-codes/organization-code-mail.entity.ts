import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity';

/**
 * One organization-code email to deliver (OrganizationCodeMails). `sealedCode` is the code sealed
 * with SecretBox for this row, and null once the mail is sent or given up. Tenant-owned (forced RLS).
 */
@Index('idx_organization_code_mails_due', ['nextAttemptAt'], {
  where: 'sent_at IS NULL AND gave_up_at IS NULL',
})
@Index('idx_organization_code_mails_organization', ['organizationId'])
@Entity({ name: 'organization_code_mails' })
export class OrganizationCodeMailEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @ForeignKey(() => OrganizationEntity, {
    name: 'organization_code_mails_organization_id_fkey',
    onDelete: 'CASCADE',
  })
  @Column('uuid')
  organizationId!: string;

  @Column('text')
  toEmail!: string;

  /** As it was when the code was issued (the mail says which subscription it is for). */
  @Column('text')
  organizationName!: string;

  @Column('text')
  plan!: string;

  @Column('text', { nullable: true })
  sealedCode!: string | null;

  @Column('int', { default: 0 })
  attempts!: number;

  @Column('timestamptz')
  nextAttemptAt!: Date;

  @Column('timestamptz', { nullable: true })
  sentAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  gaveUpAt!: Date | null;

  @Column('text', { nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
