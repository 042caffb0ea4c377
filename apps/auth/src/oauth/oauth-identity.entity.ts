import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A provider account (`provider` + its stable subject id) linked to one of our users. */
@Entity({ name: 'oauth_identities' })
export class OAuthIdentityEntity {
  @PrimaryColumn('text')
  provider!: string;

  @PrimaryColumn('text')
  subject!: string;

  @Column('uuid')
  userId!: string;

  @Column('text', { nullable: true })
  email!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
