import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

/** A provider account (`provider` + its stable subject id) linked to one of our users. */
@Index('idx_oauth_identities_user', ['userId'])
@Entity({ name: 'oauth_identities' })
export class OAuthIdentityEntity {
  @PrimaryColumn('text')
  provider!: string;

  @PrimaryColumn('text')
  subject!: string;

  @ForeignKey(() => UserEntity, { name: 'oauth_identities_user_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid')
  userId!: string;

  @Column('text', { nullable: true })
  email!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
