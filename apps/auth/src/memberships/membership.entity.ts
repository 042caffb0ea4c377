import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '@platform/contracts';

/** A user's role in one organization; the row's existence is what makes them a member. */
@Entity({ name: 'memberships' })
export class MembershipEntity {
  @PrimaryColumn('uuid')
  organizationId!: string;

  @PrimaryColumn('uuid')
  userId!: string;

  @Column('text')
  role!: Role;

  /** The join date. */
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
