import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  EVENT_NAMES,
  eventPayloadSchemas,
  type EventEnvelope,
  type EventPayloads,
} from '@platform/contracts';
import { EventHandler, processOnce } from '@platform/messaging';
import { OrganizationService } from './organization.service';

type SubscriptionActivated = EventPayloads['payments.subscription.activated'];

/**
 * Keeps the organization's plan (which access tokens, API-key principals and rate limits carry)
 * in step with payments. Idempotent through the processed-events ledger.
 */
@Injectable()
export class PlanSyncHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationService,
  ) {}

  @EventHandler({
    name: 'plan-sync',
    routingKeys: EVENT_NAMES.subscriptionActivated,
    schema: eventPayloadSchemas[EVENT_NAMES.subscriptionActivated],
  })
  async onSubscriptionActivated(event: EventEnvelope<SubscriptionActivated>): Promise<void> {
    await processOnce(this.dataSource, 'auth.plan-sync', event.id, (manager) =>
      this.organizations.setPlan(manager, event.payload.organizationId, event.payload.plan),
    );
  }
}
