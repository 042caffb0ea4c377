import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AudioAnalysis, RecordingStatus } from '@platform/contracts';

/**
 * A recording of one organization. The table is tenant-owned: row-level security (forced) lets
 * a transaction see and write only the rows of its tenant (see the migration). Deleted recordings
 * keep their row (`deletedAt`) and vanish from every read.
 */
@Entity({ name: 'recordings' })
@Index('idx_recordings_organization_page', ['organizationId', 'createdAt', 'id'])
@Index('idx_recordings_organization_status', ['organizationId', 'status'])
// A GIN index TypeORM cannot declare: the migration creates it; the drift check leaves it be.
@Index('idx_recordings_tags', { synchronize: false })
@Check('chk_recordings_status', `status IN ('UPLOADING', 'UPLOADED', 'PROCESSING', 'READY', 'FAILED')`)
@Check('chk_recordings_progress', `progress BETWEEN 0 AND 100`)
export class RecordingEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid')
  organizationId!: string;

  @Column('uuid', { nullable: true })
  ownerUserId!: string | null;

  @Column('text')
  title!: string;

  @Column('text', { array: true, default: () => "'{}'" })
  tags!: string[];

  @Column('jsonb', { default: () => "'{}'" })
  metadata!: Record<string, string | number | boolean | null>;

  @Column('text', { default: 'UPLOADING' })
  status!: RecordingStatus;

  @Column('smallint', { nullable: true })
  progress!: number | null;

  /** bigint: node-postgres hands it over as text; the mapper turns it into a number. */
  @Column('bigint', { nullable: true })
  sizeBytes!: string | null;

  @Column('double precision', { nullable: true })
  durationSeconds!: number | null;

  @Column('text', { nullable: true })
  contentType!: string | null;

  /** The storage object holding the bytes (from storage.upload.completed). */
  @Column('text', { nullable: true })
  objectId!: string | null;

  @Column('text', { nullable: true })
  failureReason!: string | null;

  @Column('jsonb', { nullable: true })
  analysis!: AudioAnalysis | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt!: Date;

  @Column('timestamptz', { nullable: true })
  deletedAt!: Date | null;
}
