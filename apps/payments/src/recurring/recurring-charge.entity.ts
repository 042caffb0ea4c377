import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export type RecurringChargeStatus = 'scheduled' | 'outcome-unknown' | 'succeeded' | 'declined';

/**
 * One scheduled monthly charge of an organization that pays through AZUL: created when its notice
 * is sent (so the notice goes once), then the charge's fate. Unique per organization and period, and
 * its idempotency key (AZUL CustomOrderId, Stripe Idempotency-Key of the fallback) is derived from
 * both, so a retry, a second replica or a crash never charges twice. Tenant-owned (forced RLS).
 */
@Check(
  'recurring_charges_status_check',
  `status IN ('scheduled', 'outcome-unknown', 'succeeded', 'declined')`,
)
@Index('uq_recurring_charges_period', ['organizationId', 'periodStart'], { unique: true })
@Entity({ name: 'recurring_charges' })
export class RecurringChargeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  organizationId!: string;

  /** The period the charge pays for starts here (the previous period's end). */
  @Column('timestamptz')
  periodStart!: Date;

  @Column('text')
  idempotencyKey!: string;

  @Column('timestamptz', { nullable: true })
  noticeSentAt!: Date | null;

  @Column('text')
  status!: RecurringChargeStatus;

  /** Who took it: azul, or stripe (the fallback while AZUL's breaker is open). */
  @Column('text', { nullable: true })
  provider!: string | null;

  @Column('text', { nullable: true })
  providerChargeId!: string | null;

  @Column('int', { default: 0 })
  attempts!: number;

  @Column('text', { nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
