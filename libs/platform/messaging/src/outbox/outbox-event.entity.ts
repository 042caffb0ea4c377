import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An event written in the same transaction as the state change it announces. */
@Entity({ name: 'outbox_events' })
@Index('idx_outbox_events_unpublished', ['createdAt'], { where: 'published_at IS NULL' })
export class OutboxEventEntity {
  /** Also the event id consumers dedup on. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  routingKey!: string;

  @Column('jsonb')
  payload!: unknown;

  /** Trace context captured when the row was written, so the relay continues the same trace. */
  // Written as PostgreSQL reports it once TypeORM strips the cast: `'{}'::jsonb` reads as drift.
  @Column('jsonb', { default: () => "'{}'" })
  headers!: Record<string, string>;

  @Column('timestamptz')
  occurredAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  publishedAt!: Date | null;

  @Column('int', { default: 0 })
  attempts!: number;

  @Column('text', { nullable: true })
  lastError!: string | null;
}
