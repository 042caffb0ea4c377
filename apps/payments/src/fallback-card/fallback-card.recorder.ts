import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER } from '@platform/bootstrap';
import type { NormalizedProviderEvent } from '../providers/payment-provider.port';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';

type CardSaved = Extract<NormalizedProviderEvent, { kind: 'card.saved' }>;

/**
 * Applies Stripe's confirmation of a saved backup card (in the inbox processor's tenant
 * transaction). Only the card of the organization's own fallback customer counts: a session of
 * another customer (one the organization no longer uses, or none of ours) changes nothing. Of two
 * confirmations the newer wins whatever order they arrive in (the event's time is kept with it).
 */
@Injectable()
export class FallbackCardRecorder {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async saved(manager: EntityManager, organizationId: string, event: CardSaved): Promise<void> {
    const row = await this.subscriptions.findForUpdate(organizationId, manager);
    if (!row || row.fallbackCustomerId !== event.providerCustomerId) {
      this.logger.warn(
        { organizationId, providerCustomerId: event.providerCustomerId },
        'a saved card of a Stripe customer that is not the organization’s fallback customer; ignored',
      );
      return;
    }
    const savedAt = new Date(event.version);
    if (row.fallbackCardSavedAt && row.fallbackCardSavedAt > savedAt) return; // a newer card is kept
    await manager.update(
      SubscriptionEntity,
      { organizationId },
      {
        fallbackPaymentMethodId: event.paymentMethodId,
        fallbackCardBrand: event.brand,
        fallbackCardLast4: event.last4,
        fallbackCardSavedAt: savedAt,
      },
    );
  }
}
