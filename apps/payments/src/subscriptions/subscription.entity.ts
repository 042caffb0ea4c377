import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { PaymentProviderName, PlanCode, SubscriptionStatus } from '@platform/contracts';

/**
 * The subscription of one organization (one row per organization, created when it first starts a
 * checkout). Tenant-owned: forced row-level security (see the migration). `providerVersion` is the
 * provider timestamp (ms) of the newest fact applied, so an older webhook never regresses it.
 */
@Check('subscriptions_status_check', `status IN ('TRIAL', 'ACTIVE', 'PAST_DUE', 'SUSPENDED', 'CANCELLED')`)
@Check('subscriptions_plan_check', `plan IN ('FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE')`)
@Index('uq_subscriptions_provider_customer', ['provider', 'providerCustomerId'], { unique: true })
@Index('idx_subscriptions_dunning_due', ['nextRetryAt'], { where: `status = 'PAST_DUE'` })
@Index('idx_subscriptions_scheduled_renewal', ['currentPeriodEnd'], {
  where: `provider = 'azul' AND status = 'ACTIVE'`,
})
@Entity({ name: 'subscriptions' })
export class SubscriptionEntity {
  @PrimaryColumn('uuid')
  organizationId!: string;

  @Column('text')
  plan!: PlanCode;

  @Column('text')
  status!: SubscriptionStatus;

  @Column('text', { nullable: true })
  provider!: PaymentProviderName | null;

  @Column('text', { nullable: true })
  providerCustomerId!: string | null;

  @Column('text', { nullable: true })
  providerSubscriptionId!: string | null;

  /** Where dunning and receipts go: the address the payer gave the provider at checkout. */
  @Column('text', { nullable: true })
  billingEmail!: string | null;

  @Column('timestamptz', { nullable: true })
  currentPeriodStart!: Date | null;

  @Column('timestamptz', { nullable: true })
  currentPeriodEnd!: Date | null;

  @Column('boolean', { default: false })
  cancelAtPeriodEnd!: boolean;

  @Column('bigint', { default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  providerVersion!: number;

  /** Dunning: the open provider invoice being retried, since when, how many retries ran, the next. */
  @Column('text', { nullable: true })
  dunningInvoiceId!: string | null;

  @Column('timestamptz', { nullable: true })
  pastDueSince!: Date | null;

  @Column('int', { default: 0 })
  dunningRetries!: number;

  @Column('timestamptz', { nullable: true })
  nextRetryAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  suspendedAt!: Date | null;

  /** The stored card our scheduled charges use (AZUL DataVault token); never a card number. */
  @Column('text', { nullable: true })
  paymentToken!: string | null;

  /**
   * The organization's Stripe customer whose saved card takes AZUL recurring charges while AZUL's
   * breaker is open (seed 003). Created by the first fallback-card setup, reused by later ones.
   */
  @Column('text', { nullable: true })
  fallbackCustomerId!: string | null;

  /** The saved card (Stripe PaymentMethod of the fallback customer); null until Stripe confirms one. */
  @Column('text', { nullable: true })
  fallbackPaymentMethodId!: string | null;

  @Column('text', { nullable: true })
  fallbackCardBrand!: string | null;

  @Column('text', { nullable: true })
  fallbackCardLast4!: string | null;

  /** The prepaid month's end (Mercado Pago) whose renewal reminder went out (once per month). */
  @Column('timestamptz', { nullable: true })
  prepaidRemindedFor!: Date | null;

  /** When Stripe confirmed the card (the event's time): an older confirmation never replaces it. */
  @Column('timestamptz', { nullable: true })
  fallbackCardSavedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
