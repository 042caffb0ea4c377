import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { PaidPlanCode } from '@platform/contracts';

export type AzulPaymentStatus = 'requires_action' | 'succeeded' | 'declined';

/**
 * A customer-present AZUL charge (the first payment of a plan, with 3-D Secure 2.0), from its Sale
 * until AZUL decides. Tenant-owned (forced RLS). Unique by its CustomOrderId, so the 3-D Secure
 * callback (which names it in our signed token) finds exactly one, and only in its own organization.
 */
@Check('azul_payments_status_check', `status IN ('requires_action', 'succeeded', 'declined')`)
@Index('uq_azul_payments_idempotency_key', ['idempotencyKey'], { unique: true })
@Index('idx_azul_payments_organization', ['organizationId'])
@Entity({ name: 'azul_payments' })
export class AzulPaymentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  organizationId!: string;

  /** AZUL's CustomOrderId of the Sale. */
  @Column('text')
  idempotencyKey!: string;

  @Column('text')
  azulOrderId!: string;

  @Column('text')
  plan!: PaidPlanCode;

  /** DOP cents, ITBIS included; itbisCents is its ITBIS part. */
  @Column('int')
  amountCents!: number;

  @Column('int')
  itbisCents!: number;

  /** The DataVault token charged; kept on the subscription for the monthly charges once approved. */
  @Column('text')
  paymentToken!: string;

  @Column('text')
  status!: AzulPaymentStatus;

  /** While requires_action: the 3-D Secure step the browser is in, and what it must post. */
  @Column('text', { nullable: true })
  threeDsStep!: 'method' | 'challenge' | null;

  @Column('text', { nullable: true })
  redirectPostUrl!: string | null;

  @Column('text', { nullable: true })
  creq!: string | null;

  @Column('text', { nullable: true })
  declineCode!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
