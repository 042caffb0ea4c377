import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One billing email already handed to the SMTP server, by its mail key: the sender's idempotency
 * ledger. The row is claimed in the transaction that sends, so it commits only once the server
 * accepted the mail (a failed send rolls it back and the notice is retried). Tenant-owned (forced RLS).
 */
@Entity({ name: 'sent_billing_mails' })
export class SentBillingMailEntity {
  /** First column of the primary key: also the index RLS filters on. */
  @PrimaryColumn('uuid')
  organizationId!: string;

  /** Names the decision that asked for the mail (see BillingNotices.queue); unique per organization. */
  @PrimaryColumn('text')
  mailKey!: string;

  /** The notice's kind, for operators reading the ledger. */
  @Column('text')
  kind!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  sentAt!: Date;
}
