import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { EVENT_NAMES, paymentsContract, type ContractEventPayload } from '@platform/contracts';
import { AmqpContext, contractHandlers, processOnce } from '@platform/messaging';
import { OrganizationService } from './organization.service';

const Payments = contractHandlers(paymentsContract);
type SubscriptionActivated = ContractEventPayload<typeof paymentsContract, 'payments.subscription.activated'>;

/**
 * Keeps the organization's plan (which access tokens, API-key principals and rate limits carry)
 * in step with payments. Idempotent through the processed-events ledger. Its queue is derived:
 * `auth.payments.subscription.activated`.
 */
@Controller()
export class PlanSyncHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationService,
  ) {}

  @Payments.EventPattern(EVENT_NAMES.subscriptionActivated)
  async onSubscriptionActivated(
    @Payload() payload: SubscriptionActivated,
    @Ctx() ctx: AmqpContext,
  ): Promise<void> {
    // The event id is the dedup key; the ledger's consumer name keeps its value from before the move.
    await processOnce(this.dataSource, 'auth.plan-sync', ctx.event!.id, (manager) =>
      this.organizations.setPlan(manager, payload.organizationId, payload.plan),
    );
  }
}
