import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { UsageMetric } from '@platform/contracts';

const bigintNumber = { to: (value: number) => value, from: (value: string) => Number(value) };

/**
 * A usage alert that went out: one row per (organization, period, metric, threshold), so a crossing
 * delivered twice, or crossed again after going down, alerts once per period. Tenant-owned.
 */
@Entity({ name: 'usage_alerts' })
export class UsageAlertEntity {
  @PrimaryColumn('uuid')
  organizationId!: string;

  @PrimaryColumn('timestamptz')
  periodStart!: Date;

  @PrimaryColumn('text')
  metric!: UsageMetric;

  @PrimaryColumn('int')
  thresholdPercent!: number;

  @Column('text')
  plan!: string;

  @Column('bigint', { transformer: bigintNumber })
  used!: number;

  @Column('bigint', { transformer: bigintNumber })
  max!: number;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt!: Date;
}
