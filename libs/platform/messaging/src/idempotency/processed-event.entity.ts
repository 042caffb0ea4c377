import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per (consumer, event) already handled: the idempotent-consumer ledger. */
@Entity({ name: 'processed_events' })
export class ProcessedEventEntity {
  @PrimaryColumn('text')
  consumer!: string;

  @PrimaryColumn('uuid')
  eventId!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  processedAt!: Date;
}
