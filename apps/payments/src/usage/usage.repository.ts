import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LEVEL_METRICS, type UsageMetric } from '@platform/contracts';
import type { UsagePeriod } from './usage-period';

export interface CounterChange {
  before: number;
  after: number;
}

/**
 * The usage ledger. Every method runs in the caller's tenant transaction (forced RLS) and names the
 * organization. A counter row is created on its period's first event: flows start at 0, levels
 * from the newest earlier period (what the organization still holds).
 */
@Injectable()
export class UsageRepository {
  /**
   * Adds `delta` (negative for a removal; a level never goes below 0) to the period's counter,
   * locked for the transaction, and answers the value before and after. A level changes every later
   * period too (a late deletion of last period still frees this one's quota).
   */
  async add(
    manager: EntityManager,
    organizationId: string,
    metric: UsageMetric,
    period: UsagePeriod,
    delta: number,
  ): Promise<CounterChange> {
    const level = LEVEL_METRICS.has(metric);
    await manager.query(
      `INSERT INTO usage_counters (organization_id, metric, period_start, period_end, used)
       VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN COALESCE((
         SELECT used FROM usage_counters
          WHERE organization_id = $1 AND metric = $2 AND period_start < $3
          ORDER BY period_start DESC LIMIT 1), 0) ELSE 0 END)
       ON CONFLICT (organization_id, metric, period_start) DO NOTHING`,
      [organizationId, metric, period.start, period.end, level],
    );
    const [row] = (await manager.query(
      `SELECT used::text AS used FROM usage_counters
        WHERE organization_id = $1 AND metric = $2 AND period_start = $3 FOR UPDATE`,
      [organizationId, metric, period.start],
    )) as { used: string }[];
    const before = Number(row!.used);
    await manager.query(
      `UPDATE usage_counters SET used = GREATEST(0, used + $4), updated_at = now()
        WHERE organization_id = $1 AND metric = $2 AND (period_start = $3 OR ($5 AND period_start > $3))`,
      [organizationId, metric, period.start, delta, level],
    );
    return { before, after: Math.max(0, before + delta) };
  }

  /**
   * The organization's value of each metric in `period`. A metric with no row yet this period:
   * 0 for a flow, the newest earlier value for a level.
   */
  async read(
    manager: EntityManager,
    organizationId: string,
    period: UsagePeriod,
  ): Promise<Map<UsageMetric, number>> {
    const rows = (await manager.query(
      `SELECT DISTINCT ON (metric) metric, used::text AS used, period_start = $2 AS current
         FROM usage_counters
        WHERE organization_id = $1 AND period_start <= $2
        ORDER BY metric, period_start DESC`,
      [organizationId, period.start],
    )) as { metric: UsageMetric; used: string; current: boolean }[];
    const values = new Map<UsageMetric, number>();
    for (const row of rows) {
      if (row.current || LEVEL_METRICS.has(row.metric)) values.set(row.metric, Number(row.used));
    }
    return values;
  }

  /** Claims the alert of a threshold for the period; false when it already went out. */
  async claimAlert(
    manager: EntityManager,
    alert: {
      organizationId: string;
      period: UsagePeriod;
      metric: UsageMetric;
      thresholdPercent: number;
      plan: string;
      used: number;
      max: number;
    },
  ): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO usage_alerts (organization_id, period_start, metric, threshold_percent, plan, used, max)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING RETURNING metric`,
      [
        alert.organizationId,
        alert.period.start,
        alert.metric,
        alert.thresholdPercent,
        alert.plan,
        alert.used,
        alert.max,
      ],
    );
    return inserted.length > 0;
  }
}
