import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { PaidPlanCode } from '@platform/contracts';
import { ConflictError, DomainError } from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import type { PaymentsEnv } from '../config/payments-env.schema';
import { BillingMail } from '../mail/billing-mail';
import { itbisIncluded } from '../providers/azul/itbis';
import type { AzulChargeResult } from '../providers/azul/azul.provider';
import { REGIONAL_PROVIDERS } from '../providers/providers.module';
import type { RegionalProviders } from '../providers/regional-providers';
import { addMonths } from '../shared/billing-period';
import { Clock } from '../shared/clock';
import { callProvider } from '../shared/provider-errors';
import { LIVE_STATUSES } from '../subscriptions/subscription-lifecycle';
import { SubscriptionEntity } from '../subscriptions/subscription.entity';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import type { PendingNotice } from '../webhooks/billing-event.applier';
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

export interface AzulPaymentView {
  status: AzulPaymentStatus;
  /** While requires_action: what the browser does next (3-D Secure 2.0). */
  threeDs: {
    step: 'method' | 'challenge';
    redirectPostUrl?: string;
    creq?: string;
    methodForm?: string;
  } | null;
}

/**
 * The first AZUL payment of a plan, with the cardholder present (3-D Secure 2.0 when
 * AZUL_CALLBACK_URL is set): a Sale of the plan's DOP price (ITBIS included) on the card's DataVault
 * token. Approved at once → the subscription is ACTIVE; a 3-D Secure step → the payment waits for the
 * callback (ThreeDsContinuation). The CustomOrderId derives from the caller's Idempotency-Key, so a
 * retried request answers the same payment instead of charging again.
 *
 * Not exposed through the gateway yet (no RPC/route): see the report of branch azul-mp.
 */
@Injectable()
export class AzulPaymentService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly subscriptions: SubscriptionRepository,
    private readonly directCharges: DirectChargeApplier,
    private readonly mail: BillingMail,
    private readonly clock: Clock,
    @Inject(REGIONAL_PROVIDERS) private readonly regional: RegionalProviders,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentsEnv,
  ) {}

  async start(
    organizationId: string,
    input: StartAzulPaymentInput,
    callerKey: string,
  ): Promise<AzulPaymentView> {
    const azul = this.regional.azul;
    if (!azul) throw new DomainError('SERVICE_UNAVAILABLE', 'Payments through azul are not configured');
    const price = this.config.AZUL_PLAN_PRICES_CENTS?.[input.plan];
    if (!price) throw new ConflictError(`No AZUL price for ${input.plan}`);
    const idempotencyKey = azulPaymentKey(organizationId, callerKey);
    const { view, notices } = await this.tenants.runInTenant(organizationId, async (manager) => {
      const row = await this.subscriptions.ensureLocked(organizationId, manager);
      const existing = await manager.findOneBy(AzulPaymentEntity, { idempotencyKey });
      if (existing) return { view: viewOf(existing), notices: [] as PendingNotice[] };
      if (LIVE_STATUSES.has(row.status)) {
        throw new ConflictError('The organization already has a subscription');
      }
      // Where the renewal notices, receipts and dunning emails of this subscription go.
      if (input.email && !row.billingEmail) {
        await manager.update(SubscriptionEntity, { organizationId }, { billingEmail: input.email });
        row.billingEmail = input.email;
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
      const methodForm = result.threeDs?.methodForm;
      if (status !== 'succeeded')
        return { view: viewOf(payment, methodForm), notices: [] as PendingNotice[] };
      const now = this.clock.now();
      const paidNotices = await this.directCharges.paid(manager, organizationId, {
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
      return { view: viewOf(payment), notices: paidNotices };
    });
    for (const { to, notice } of notices) await this.mail.send(to, notice);
    return view;
  }

  /** The organization's payment of this Idempotency-Key (what the browser polls after 3-D Secure). */
  async find(organizationId: string, callerKey: string): Promise<AzulPaymentView | null> {
    const idempotencyKey = azulPaymentKey(organizationId, callerKey);
    return this.tenants.runInTenant(organizationId, async (manager) => {
      const payment = await manager.findOneBy(AzulPaymentEntity, { idempotencyKey, organizationId });
      return payment ? viewOf(payment) : null;
    });
  }
}

/**
 * AZUL's CustomOrderId of a customer-present payment: organization + a digest of the caller's key
 * (AZUL allows 75 characters; a caller's key may be longer), so two tenants never share one.
 */
export function azulPaymentKey(organizationId: string, callerKey: string): string {
  return `azp:${organizationId}:${createHash('sha256').update(callerKey).digest('hex').slice(0, 24)}`;
}

function viewOf(payment: AzulPaymentEntity, methodForm?: string): AzulPaymentView {
  return {
    status: payment.status,
    threeDs:
      payment.status === 'requires_action' && payment.threeDsStep
        ? {
            step: payment.threeDsStep,
            ...(payment.redirectPostUrl ? { redirectPostUrl: payment.redirectPostUrl } : {}),
            ...(payment.creq ? { creq: payment.creq } : {}),
            ...(methodForm ? { methodForm } : {}),
          }
        : null,
  };
}
