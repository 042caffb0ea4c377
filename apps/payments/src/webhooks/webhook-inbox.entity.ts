import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { PaymentProviderName } from '@platform/contracts';

/**
 * Verified provider webhooks, stored before the 2xx answer (the inbox). Unique by the provider's
 * event id, so a redelivery is answered without being stored or applied again. Not tenant-owned:
 * the tenant is only known once the processor reads the provider object (system path).
 */
@Index('uq_webhook_inbox_provider_event', ['provider', 'providerEventId'], { unique: true })
@Index('idx_webhook_inbox_pending', ['nextAttemptAt'], { where: 'processed_at IS NULL' })
@Index('idx_webhook_inbox_processed', ['processedAt'], { where: 'processed_at IS NOT NULL' })
@Entity({ name: 'webhook_inbox' })
export class WebhookInboxEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  provider!: PaymentProviderName;

  @Column('text')
  providerEventId!: string;

  @Column('text')
  type!: string;

  @Column('jsonb')
  payload!: unknown;

  @Column('timestamptz')
  providerCreatedAt!: Date;

  @Column('timestamptz')
  receivedAt!: Date;

  @Column('timestamptz')
  nextAttemptAt!: Date;

  @Column('int', { default: 0 })
  attempts!: number;

  @Column('text', { nullable: true })
  lastError!: string | null;

  @Column('timestamptz', { nullable: true })
  processedAt!: Date | null;
}
