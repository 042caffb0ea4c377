import { Injectable } from '@nestjs/common';
import {
  planLimitOf,
  planRateLimit,
  USAGE_METRICS,
  type PlanCode,
  type PlanRateLimit,
  type UsageItemDto,
  type UsageMetric,
} from '@platform/contracts';
import { currentTenantManager } from '@platform/tenancy';
import { Clock } from '../shared/clock';
import { UsageMeter } from './usage-meter.service';
import { UsageRepository } from './usage.repository';

/** The usage endpoint's use case: the current period's counters against the plan's limits. */
@Injectable()
export class UsageService {
  constructor(
    private readonly meter: UsageMeter,
    private readonly usage: UsageRepository,
    private readonly clock: Clock,
  ) {}

  /** Runs in the caller's tenant transaction: RLS keeps it to the caller's organization. */
  async current(
    organizationId: string,
    only?: UsageMetric,
  ): Promise<{ items: UsageItemDto[]; rateLimit: PlanRateLimit & { plan: PlanCode } }> {
    const manager = currentTenantManager();
    const { plan, period } = await this.meter.planAndPeriod(manager, organizationId, this.clock.now());
    const values = await this.usage.read(manager, organizationId, period);
    const metrics = only ? [only] : USAGE_METRICS;
    return {
      items: metrics.map((metric) => {
        const used = values.get(metric) ?? 0;
        const limit = planLimitOf(plan, metric);
        return {
          metric,
          used,
          limit,
          percent: limit === null ? null : Math.floor((used * 100) / limit),
          plan,
          periodStart: period.start.toISOString(),
          periodEnd: period.end.toISOString(),
        };
      }),
      // The same computation as the gateway's organization bucket (production scale).
      rateLimit: { plan, ...planRateLimit(plan) },
    };
  }
}
