import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { UsageMetric } from '@platform/contracts';

const bigintNumber = { to: (value: number) => value, from: (value: string) => Number(value) };

/**
 * One metric of one organization in one billing period. Flows (API calls) start each period at 0;
 * levels (recordings, storage bytes, members) start from the previous period's value. Tenant-owned
 * (forced RLS, see the migration).
 */
@Entity({ name: 'usage_counters' })
export class UsageCounterEntity {
  @PrimaryColumn('uuid')
  organizationId!: string;

  @PrimaryColumn('text')
  metric!: UsageMetric;

  @PrimaryColumn('timestamptz')
  periodStart!: Date;

  @Column('timestamptz')
  periodEnd!: Date;

  @Column('bigint', { default: 0, transformer: bigintNumber })
  used!: number;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt!: Date;
}
