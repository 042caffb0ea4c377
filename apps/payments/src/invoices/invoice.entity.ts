import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { PaymentProviderName, PlanCode } from '@platform/contracts';

type InvoiceStatus = 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';

/**
 * Our own record of a provider invoice (Stripe) or charge (AZUL, Mercado Pago), kept from webhooks.
 * Tenant-owned (forced RLS). `providerVersion` orders facts: an older webhook never regresses it.
 */
@Check('invoices_status_check', `status IN ('draft', 'open', 'paid', 'uncollectible', 'void')`)
@Check('invoices_amount_refunded_cents_check', `amount_refunded_cents >= 0`)
@Index('uq_invoices_provider_invoice', ['provider', 'providerInvoiceId'], { unique: true })
@Index('idx_invoices_organization_page', ['organizationId', 'createdAt', 'id'])
@Entity({ name: 'invoices' })
export class InvoiceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  organizationId!: string;

  @Column('text')
  provider!: PaymentProviderName;

  @Column('text')
  providerInvoiceId!: string;

  @Column('text', { nullable: true })
  number!: string | null;

  @Column('text')
  status!: InvoiceStatus;

  @Column('text')
  currency!: string;

  @Column('int')
  subtotalCents!: number;

  @Column('int')
  taxCents!: number;

  @Column('int')
  totalCents!: number;

  @Column('int')
  amountPaidCents!: number;

  @Column('text', { nullable: true })
  plan!: PlanCode | null;

  @Column('timestamptz', { nullable: true })
  periodStart!: Date | null;

  @Column('timestamptz', { nullable: true })
  periodEnd!: Date | null;

  @Column('timestamptz', { nullable: true })
  paidAt!: Date | null;

  /** What the provider gave back (refund, chargeback); the invoice itself stays as it was paid. */
  @Column('int', { default: 0 })
  amountRefundedCents!: number;

  @Column('timestamptz', { nullable: true })
  refundedAt!: Date | null;

  @Column('bigint', { default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  providerVersion!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
