import { Check, CreateDateColumn, Column, Entity, PrimaryColumn } from 'typeorm';
import type { PlanCode } from '@platform/contracts';

/**
 * The plan an organization was created on without buying it here: an organization code names a
 * plan, and auth creates the organization on it (`auth.organization.created` carries it). Until the
 * organization has a paid subscription of its own, metering counts against this plan rather than
 * FREE. Tenant-owned (forced RLS, see the migration).
 */
@Entity({ name: 'granted_plans' })
@Check('granted_plans_plan_check', `plan IN ('FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE')`)
export class GrantedPlanEntity {
  @PrimaryColumn('uuid')
  organizationId!: string;

  @Column('text')
  plan!: PlanCode;

  @CreateDateColumn({ type: 'timestamptz' })
  grantedAt!: Date;
}
