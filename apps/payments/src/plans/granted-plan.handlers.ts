import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { authContract, EVENT_NAMES, type PlatformEventPayload as Event } from '@platform/contracts';
import { AmqpContext, contractHandlers } from '@platform/messaging';
import { processTenantEventOnce, TenantDatabase } from '@platform/tenancy';
import { GrantedPlanRepository } from './granted-plan.repository';

const Auth = contractHandlers(authContract);

/**
 * Records the plan an organization starts on when it is not FREE (created from an organization
 * code): metering then measures it against that plan's limits. Once per event (processed_events,
 * same tenant transaction).
 */
@Controller()
export class GrantedPlanHandlers {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly grantedPlans: GrantedPlanRepository,
  ) {}

  @Auth.EventPattern(EVENT_NAMES.organizationCreated)
  onOrganizationCreated(@Payload() event: Event<'auth.organization.created'>, @Ctx() ctx: AmqpContext) {
    const plan = event.plan ?? 'FREE';
    return processTenantEventOnce(
      this.tenants,
      'payments.plans.organization-created',
      ctx.event!.id,
      event.organizationId,
      async (manager) => {
        if (plan !== 'FREE') await this.grantedPlans.grant(manager, event.organizationId, plan);
      },
    );
  }
}
