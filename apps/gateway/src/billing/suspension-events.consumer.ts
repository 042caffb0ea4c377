import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { EVENT_NAMES, eventPayloadSchema, type EventEnvelope } from '@platform/contracts';
import {
  AmqpConnection,
  ManagedEventConsumer,
  PoisonMessageError,
  type EventSubscription,
} from '@platform/messaging';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { OrganizationSuspension, type BillingState } from './organization-suspension';

const TRANSITIONS: Record<string, BillingState> = {
  [EVENT_NAMES.subscriptionSuspended]: 'suspended',
  [EVENT_NAMES.subscriptionReactivated]: 'open',
  // A cancelled subscription leaves the organization on FREE: nothing is owed any more.
  [EVENT_NAMES.subscriptionCancelled]: 'open',
};

/**
 * Feeds OrganizationSuspension from payments' lifecycle events. One durable queue shared by the
 * gateway replicas (the state lands in their shared Redis, so one delivery is enough); ordered by
 * the event's own time, so a late redelivery never flips a newer state.
 */
@Injectable()
export class SuspensionEventsConsumer extends ManagedEventConsumer {
  constructor(
    connection: AmqpConnection,
    private readonly suspension: OrganizationSuspension,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(connection, logger);
  }

  protected subscription(): EventSubscription {
    return {
      queue: 'gateway.payments.subscription-billing-state',
      routingKeys: Object.keys(TRANSITIONS),
      maxAttempts: this.config.EVENT_MAX_ATTEMPTS,
      retryBaseMs: this.config.EVENT_RETRY_BASE_MS,
      prefetch: 16,
      handle: (event) => this.apply(event),
    };
  }

  private async apply(event: EventEnvelope): Promise<void> {
    const state = TRANSITIONS[event.name];
    const parsed = eventPayloadSchema(event.name)?.safeParse(event.payload);
    if (!state || !parsed?.success) throw new PoisonMessageError(`unexpected billing event ${event.name}`);
    const { organizationId } = parsed.data as { organizationId: string };
    await this.suspension.record(organizationId, state, new Date(event.occurredAt));
  }
}
