import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

/** One single-use TOTP recovery code (SHA-256 of the normalized code: 50 random bits each). */
@Index('uq_totp_recovery_codes', ['userId', 'codeHash'], { unique: true })
@Entity({ name: 'totp_recovery_codes' })
export class RecoveryCodeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @ForeignKey(() => UserEntity, { name: 'totp_recovery_codes_user_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid')
  userId!: string;

  @Column('text')
  codeHash!: string;

  @Column('timestamptz', { nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
