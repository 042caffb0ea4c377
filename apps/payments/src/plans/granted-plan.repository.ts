import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PlanCode } from '@platform/contracts';
import { currentTenantManager } from '@platform/tenancy';
import { GrantedPlanEntity } from './granted-plan.entity';

@Injectable()
export class GrantedPlanRepository {
  async find(
    organizationId: string,
    manager: EntityManager = currentTenantManager(),
  ): Promise<PlanCode | null> {
    const row = await manager.findOneBy(GrantedPlanEntity, { organizationId });
    return row?.plan ?? null;
  }

  /** First grant wins: an organization is created once, a redelivered event changes nothing. */
  async grant(manager: EntityManager, organizationId: string, plan: PlanCode): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(GrantedPlanEntity)
      .values({ organizationId, plan })
      .orIgnore()
      .execute();
  }
}
