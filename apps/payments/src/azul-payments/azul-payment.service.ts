import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { AzulPaymentDto, PaidPlanCode } from '@platform/contracts';
import { ConflictError, DomainError, NotFoundError } from '@platform/errors';
import { currentTenantManager } from '@platform/tenancy';
import type { PaymentsEnv } from '../config/payments-env.schema';
import type { AzulChargeResult } from '../providers/azul/azul.provider';
import { itbisIncluded } from '../providers/azul/itbis';
import { REGIONAL_PROVIDERS } from '../providers/providers.module';
import type { RegionalProviders } from '../providers/regional-providers';
import { addMonths } from '../shared/billing-period';
import { Clock } from '../shared/clock';
import { callProvider } from '../shared/provider-errors';
import { LIVE_STATUSES } from '../subscriptions/subscription-lifecycle';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { DirectChargeApplier } from '../webhooks/direct-charge.applier';
import { AzulPaymentEntity, type AzulPaymentStatus } from './azul-payment.entity';

export interface StartAzulPaymentInput {
  plan: PaidPlanCode;
  /** The card as an AZUL DataVault token (never a card number through our API). */
  paymentToken: string;
  cardHolderName?: string;
  /** The payer's address: 3-D Secure risk data, and the billing email of the subscription. */
  email?: string;
}

/**
 * The first AZUL payment of a plan, with the cardholder present (3-D Secure 2.0 when
 * AZUL_CALLBACK_URL is set): a Sale of the plan's DOP price (ITBIS included) on the card's DataVault
 * token. Approved at once → the subscription is ACTIVE; a 3-D Secure step → the payment waits for the
 * callback (ThreeDsContinuation). Runs in the caller's tenant transaction (the RPC's
 * @IdempotentCommand); the CustomOrderId derives from the caller's Idempotency-Key, so a retried
 * request answers the same payment instead of charging again.
 */
@Injectable()
export class AzulPaymentService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly directCharges: DirectChargeApplier,
    private readonly clock: Clock,
    @Inject(REGIONAL_PROVIDERS) private readonly regional: RegionalProviders,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
  ) {}

  async start(
    caller: { organizationId: string; idempotencyKey?: string },
    input: StartAzulPaymentInput,
  ): Promise<AzulPaymentDto> {
    const { organizationId } = caller;
    const azul = this.regional.azul;
    if (!azul) throw new DomainError('SERVICE_UNAVAILABLE', 'Payments through azul are not configured');
    const price = this.config.AZUL_PLAN_PRICES_CENTS?.[input.plan];
    if (!price) throw new DomainError('SERVICE_UNAVAILABLE', `No AZUL price is configured for ${input.plan}`);
    // Without the caller's key there is no retry to match: a fresh one.
    const idempotencyKey = azulPaymentKey(organizationId, caller.idempotencyKey ?? randomUUID());
    const manager = currentTenantManager();
    const row = await this.subscriptions.ensureLocked(organizationId, manager);
    const existing = await manager.findOneBy(AzulPaymentEntity, { idempotencyKey });
    if (existing) return toAzulPaymentDto(existing);
    // An AZUL subscription whose monthly charge failed (PAST_DUE) or was given up on (SUSPENDED) is
    // paid here too, with a card the customer gives now: the payment reopens it at once, instead of
    // waiting for the next retry on the stored card (or for nothing, once suspended).
    const lapsedAzul = row.provider === 'azul' && (row.status === 'PAST_DUE' || row.status === 'SUSPENDED');
    if (LIVE_STATUSES.has(row.status) && !lapsedAzul) {
      throw new ConflictError('The organization already has a subscription');
    }
    // Where the renewal notices, receipts and dunning emails of this subscription go.
    if (input.email && !row.billingEmail) {
      await manager.update(SubscriptionEntity, { organizationId }, { billingEmail: input.email });
    }
    const { itbisCents } = itbisIncluded(price);
    const result = (await callProvider(() =>
      azul.provider.charge(
        {
          organizationId,
          paymentToken: input.paymentToken,
          amountCents: price,
          taxCents: itbisCents,
          currency: 'DOP',
          description: `${input.plan} plan, monthly`,
          threeDSecure: this.config.AZUL_CALLBACK_URL
            ? {
                returnUrl: this.config.AZUL_CALLBACK_URL,
                browserInfo: {
                  ...(input.cardHolderName ? { cardHolderName: input.cardHolderName } : {}),
                  ...(input.email ? { email: input.email } : {}),
                },
              }
            : undefined,
        },
        { idempotencyKey },
      ),
    )) as AzulChargeResult;
    const status: AzulPaymentStatus =
      result.status === 'succeeded'
        ? 'succeeded'
        : result.status === 'declined'
          ? 'declined'
          : 'requires_action';
    const payment = await manager.save(
      manager.create(AzulPaymentEntity, {
        organizationId,
        idempotencyKey,
        azulOrderId: result.providerChargeId,
        plan: input.plan,
        amountCents: price,
        itbisCents,
        paymentToken: input.paymentToken,
        status,
        threeDsStep: status === 'requires_action' ? (result.threeDs?.step ?? null) : null,
        redirectPostUrl: result.threeDs?.redirectPostUrl ?? null,
        creq: result.threeDs?.creq ?? null,
        declineCode: result.declineCode ?? null,
      }),
    );
    if (status === 'succeeded') {
      const now = this.clock.now();
      // A first payment moves a subscription that was not live: no receipt mail is owed (as with Stripe).
      await this.directCharges.paid(manager, organizationId, {
        provider: 'azul',
        providerChargeId: result.providerChargeId,
        plan: input.plan,
        totalCents: price,
        taxCents: itbisCents,
        currency: 'DOP',
        periodStart: now,
        periodEnd: addMonths(now, 1),
        paidAt: now,
        version: now.getTime(),
        paymentToken: input.paymentToken,
      });
    }
    return toAzulPaymentDto(payment, result.threeDs?.methodForm);
  }

  /** One payment of the organization (RLS: another organization's is not found). */
  async get(id: string): Promise<AzulPaymentDto> {
    const payment = await currentTenantManager().findOneBy(AzulPaymentEntity, { id });
    if (!payment) throw new NotFoundError('AZUL payment', id);
    return toAzulPaymentDto(payment);
  }
}

/**
 * AZUL's CustomOrderId of a customer-present payment: organization + a digest of the caller's key
 * (AZUL allows 75 characters; a caller's key may be longer), so two tenants never share one.
 */
export function azulPaymentKey(organizationId: string, callerKey: string): string {
  return `azp:${organizationId}:${createHash('sha256').update(callerKey).digest('hex').slice(0, 24)}`;
}

export function toAzulPaymentDto(payment: AzulPaymentEntity, methodForm?: string): AzulPaymentDto {
  return {
    id: payment.id,
    plan: payment.plan,
    status: payment.status,
    amountCents: payment.amountCents,
    taxCents: payment.itbisCents,
    currency: 'DOP',
    threeDs:
      payment.status === 'requires_action' && payment.threeDsStep
        ? {
            step: payment.threeDsStep,
            ...(payment.redirectPostUrl ? { redirectPostUrl: payment.redirectPostUrl } : {}),
            ...(payment.creq ? { creq: payment.creq } : {}),
            ...(methodForm ? { methodForm } : {}),
          }
        : null,
    createdAt: payment.createdAt.toISOString(),
  };
}
