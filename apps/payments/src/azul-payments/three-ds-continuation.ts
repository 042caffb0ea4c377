import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER } from '@platform/bootstrap';
import type { AzulPaymentOutcome } from '../providers/azul/azul-client';
import { AzulRejectedError } from '../providers/azul/azul-errors';
import type { NormalizedProviderEvent } from '../providers/payment-provider.port';
import { REGIONAL_PROVIDERS } from '../providers/providers.module';
import type { RegionalProviders } from '../providers/regional-providers';
import { addMonths } from '../shared/billing-period';
import { Clock } from '../shared/clock';
import type { PendingNotice } from '../mail/billing-notices';
import { DirectChargeApplier } from '../webhooks/direct-charge.applier';
import { AzulPaymentEntity } from './azul-payment.entity';

type ThreeDsCompleted = Extract<NormalizedProviderEvent, { kind: 'three-ds.completed' }>;

/**
 * Continues a customer-present AZUL charge once the cardholder finished a 3-D Secure step (the
 * callback the inbox stored). Runs inside the inbox processor's tenant transaction, with the inbox
 * row claimed and the payment row locked, so one callback continues one charge once. AZUL decides:
 * approved → the payment succeeds and the subscription is ACTIVE for a month (invoice with ITBIS,
 * lifecycle events, the card kept for the monthly charges); declined → recorded; a challenge after
 * the method step → recorded for the browser. A crash after AZUL answered and before our commit
 * leaves the event pending; on the retry AZUL refuses to continue the finished session, and the
 * outcome is read back by CustomOrderId (VerifyPayment) instead — nothing is authorized twice.
 */
@Injectable()
export class ThreeDsContinuation {
  constructor(
    @Inject(REGIONAL_PROVIDERS) private readonly regional: RegionalProviders,
    private readonly directCharges: DirectChargeApplier,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async continue(
    manager: EntityManager,
    organizationId: string,
    event: ThreeDsCompleted,
  ): Promise<PendingNotice[]> {
    // Row-level security scopes the lookup to the organization our signed token named: a token of
    // another organization naming this charge's key finds nothing.
    const payment = await manager.findOne(AzulPaymentEntity, {
      where: { idempotencyKey: event.idempotencyKey, organizationId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!payment) {
      this.logger.warn(
        { organizationId },
        'AZUL 3-D Secure callback for no pending payment of this organization',
      );
      return [];
    }
    // Done already, or a late method notification after the challenge started: nothing to continue.
    if (payment.status !== 'requires_action' || payment.threeDsStep !== event.step) return [];
    if (event.step === 'challenge' && !event.cRes) return [];
    const azul = this.regional.azul;
    if (!azul) throw new Error('AZUL is not configured');

    let outcome: AzulPaymentOutcome;
    try {
      outcome =
        event.step === 'challenge'
          ? await azul.client.continueAfterChallenge(payment.azulOrderId, event.cRes!)
          : await azul.client.continueAfterThreeDsMethod(payment.azulOrderId, 'RECEIVED');
    } catch (error) {
      // Timeouts, AZUL down, breaker open: thrown, so the inbox retries later with backoff.
      if (!(error instanceof AzulRejectedError)) throw error;
      const known = await azul.client.findByIdempotencyKey(payment.idempotencyKey);
      if (!known || (known.status !== 'approved' && known.status !== 'declined')) throw error;
      outcome = known;
    }
    return this.record(manager, organizationId, payment, outcome);
  }

  private async record(
    manager: EntityManager,
    organizationId: string,
    payment: AzulPaymentEntity,
    outcome: AzulPaymentOutcome,
  ): Promise<PendingNotice[]> {
    switch (outcome.status) {
      case 'approved': {
        await manager.update(
          AzulPaymentEntity,
          { id: payment.id },
          { status: 'succeeded', threeDsStep: null },
        );
        const now = this.clock.now();
        return this.directCharges.paid(manager, organizationId, {
          provider: 'azul',
          providerChargeId: outcome.azulOrderId,
          plan: payment.plan,
          totalCents: payment.amountCents,
          taxCents: payment.itbisCents,
          currency: 'DOP',
          periodStart: now,
          periodEnd: addMonths(now, 1),
          paidAt: now,
          version: now.getTime(),
          paymentToken: payment.paymentToken,
        });
      }
      case 'declined':
        await manager.update(
          AzulPaymentEntity,
          { id: payment.id },
          { status: 'declined', threeDsStep: null, declineCode: outcome.isoCode },
        );
        return [];
      case 'threeDsChallenge':
        await manager.update(
          AzulPaymentEntity,
          { id: payment.id },
          { threeDsStep: 'challenge', redirectPostUrl: outcome.redirectPostUrl, creq: outcome.creq },
        );
        return [];
      case 'threeDsMethod':
        return [];
    }
  }
}
