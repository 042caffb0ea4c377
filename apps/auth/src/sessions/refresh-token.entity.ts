import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { SessionEntity } from './session.entity';

/** One link of a session's refresh-token chain. Spent once (`usedAt`), then replaced by its successor. */
@Index('uq_refresh_tokens_hash', ['tokenHash'], { unique: true })
@Index('idx_refresh_tokens_session', ['sessionId'])
@Entity({ name: 'refresh_tokens' })
export class RefreshTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @ForeignKey(() => SessionEntity, { name: 'refresh_tokens_session_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid')
  sessionId!: string;

  /** SHA-256 of the opaque token. */
  @Column('text')
  tokenHash!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz')
  expiresAt!: Date;

  @Column('timestamptz', { nullable: true })
  usedAt!: Date | null;

  @Column('uuid', { nullable: true })
  successorId!: string | null;
}
