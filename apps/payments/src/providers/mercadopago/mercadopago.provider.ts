import { PAID_PLAN_CODES, type PaidPlanCode } from '@platform/contracts';
import {
  PaymentProviderFailure,
  WebhookVerificationError,
  type ChargeStatus,
  type CheckoutInput,
  type CheckoutSession,
  type CreateCustomerInput,
  type NormalizedProviderEvent,
  type PaymentProvider,
  type ProviderCallOptions,
  type ProviderCapability,
  type ProviderCustomer,
  type RawWebhookRequest,
  type StoredWebhook,
  type VerifiedWebhook,
} from '../payment-provider.port';
import { MercadoPagoFailure, MercadoPagoWebhookError, type MercadoPagoGateway } from './mercadopago-gateway';

export interface MercadoPagoProviderSettings {
  currency: string;
  planPricesCents: Partial<Record<PaidPlanCode, number>>;
  /** Our public webhook URL, given to each preference as notification_url. */
  notificationUrl?: string;
}

/** Mercado Pago payment status → the port's charge status. */
export function chargeStatusOf(status: string): ChargeStatus | 'refunded' | 'voided' {
  switch (status) {
    case 'approved':
    case 'authorized':
      return 'succeeded';
    case 'rejected':
      return 'declined';
    case 'refunded':
    case 'charged_back':
      return 'refunded';
    case 'cancelled':
      return 'voided';
    default: // pending, in_process, in_mediation
      return 'pending';
  }
}

/** The plan named in a payment's metadata, when it is one of ours. */
function paidPlanOf(plan: string | null): PaidPlanCode | null {
  const upper = plan?.toUpperCase();
  return (PAID_PLAN_CODES as readonly string[]).includes(upper ?? '') ? (upper as PaidPlanCode) : null;
}

/**
 * The Mercado Pago adapter of the payment-provider port: Checkout Pro (a hosted page per period,
 * no provider-managed subscription), payment notifications verified by x-signature, and the payment
 * looked up at normalization (notifications carry only its id).
 */
export class MercadoPagoPaymentProvider implements PaymentProvider {
  readonly name = 'mercadopago' as const;
  readonly capabilities: ReadonlySet<ProviderCapability> = new Set<ProviderCapability>(['hosted-checkout']);

  constructor(
    private readonly gateway: MercadoPagoGateway,
    private readonly settings: MercadoPagoProviderSettings,
  ) {}

  /** Checkout Pro needs no customer object: the organization is the external_reference of each preference. */
  async createCustomer(input: CreateCustomerInput): Promise<ProviderCustomer> {
    return { providerCustomerId: input.organizationId };
  }

  async createCheckout(input: CheckoutInput, options: ProviderCallOptions): Promise<CheckoutSession> {
    const amountCents = this.settings.planPricesCents[input.plan];
    if (!amountCents) {
      throw new PaymentProviderFailure(
        'mercadopago',
        'plan_price_missing',
        `No Mercado Pago price for ${input.plan}`,
        false,
      );
    }
    if (!options.idempotencyKey) {
      throw new PaymentProviderFailure(
        'mercadopago',
        'idempotency_key_missing',
        'A checkout needs an idempotency key',
        false,
      );
    }
    try {
      const preference = await this.gateway.createCheckoutPreference({
        organizationId: input.organizationId,
        plan: input.plan,
        title: `${input.plan} plan, monthly`,
        amountCents,
        currency: this.settings.currency,
        successUrl: input.successUrl,
        failureUrl: input.cancelUrl,
        notificationUrl: this.settings.notificationUrl,
        idempotencyKey: options.idempotencyKey,
        renewsFrom: input.renewsFrom,
      });
      return { sessionId: preference.preferenceId, url: preference.checkoutUrl, expiresAt: null };
    } catch (error) {
      throw this.failure(error);
    }
  }

  verifyWebhook(request: RawWebhookRequest, now: Date): VerifiedWebhook {
    try {
      const notification = this.gateway.verifyNotification(request, now);
      return {
        providerEventId: notification.notificationId,
        type: notification.action || notification.type,
        createdAt: notification.createdAt,
        // Its data.id equals the signed query data.id (verifyNotification refuses otherwise).
        payload: notification.payload,
      };
    } catch (error) {
      if (error instanceof MercadoPagoWebhookError) {
        throw new WebhookVerificationError('mercadopago', error.reason, error.message);
      }
      throw error;
    }
  }

  async normalizeWebhook(webhook: StoredWebhook): Promise<NormalizedProviderEvent[]> {
    const payload = webhook.payload as { type?: string; data?: { id?: string } };
    if (payload.type !== 'payment' || !payload.data?.id) return [];
    try {
      // A read: safe to repeat after a crash (no side effect at Mercado Pago).
      const payment = await this.gateway.getPayment(payload.data.id);
      return [
        {
          kind: 'charge.updated',
          organizationId: payment.organizationId,
          providerChargeId: payment.paymentId,
          status: chargeStatusOf(payment.status),
          amountCents: payment.amountCents,
          currency: payment.currency,
          plan: paidPlanOf(payment.plan),
          paidAt: payment.approvedAt,
          periodStart: payment.renewsFrom,
          version: payment.updatedAt.getTime(),
        },
      ];
    } catch (error) {
      throw this.failure(error);
    }
  }

  private failure(error: unknown): PaymentProviderFailure {
    if (error instanceof PaymentProviderFailure) return error;
    if (error instanceof MercadoPagoFailure) {
      return new PaymentProviderFailure('mercadopago', error.code, error.message, error.transient);
    }
    return new PaymentProviderFailure(
      'mercadopago',
      'unexpected',
      String((error as Error)?.message ?? error),
      true,
    );
  }
}
