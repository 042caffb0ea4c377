import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** An RS256 key pair. The private half is sealed with the key-encryption key (AAD = kid). */
@Index('idx_signing_keys_activates_at', ['activatesAt'])
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn('text')
  kid!: string;

  @Column('jsonb')
  publicJwk!: Record<string, string>;

  @Column('text')
  privateKeyEncrypted!: string;

  /** Signs from this instant until the next key activates; published in the JWKS before it. */
  @Column('timestamptz')
  activatesAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
