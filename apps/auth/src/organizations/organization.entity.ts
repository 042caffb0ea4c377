import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PlanCode } from '@platform/contracts';

@Check('organizations_plan_check', `plan IN ('FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE')`)
@Entity({ name: 'organizations' })
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  /** Every organization starts on FREE; payments changes it (subscription events, codes). */
  @Column('text', { default: 'FREE' })
  plan!: PlanCode;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
