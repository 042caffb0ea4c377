import {
  PaymentProviderFailure,
  WebhookVerificationError,
  type CaptureInput,
  type ChargeInput,
  type ChargeResult,
  type CreateCustomerInput,
  type NormalizedProviderEvent,
  type PaymentProvider,
  type ProviderCallOptions,
  type ProviderCapability,
  type ProviderCustomer,
  type RawWebhookRequest,
  type RefundInput,
  type RefundResult,
  type StoredWebhook,
  type VerifiedWebhook,
  type VoidInput,
} from '../payment-provider.port';
import { CircuitOpenError } from '@platform/resilience';
import type { AzulClient, AzulPaymentOutcome } from './azul-client';
import { AzulRejectedError, AzulTimeoutError, AzulUnavailableError } from './azul-errors';
import {
  parseThreeDsCallbackBody,
  threeDsCallbackUrl,
  verifyThreeDsCallback,
} from './azul-three-ds-callback';
import { chargeResultOf } from './azul-token-charge';
import { itbisIncluded } from './itbis';

export interface AzulProviderSettings {
  /** Signs the 3-D Secure TermUrl / MethodNotificationUrl session (AZUL_CALLBACK_SECRET). */
  callbackSecret: string;
  callbackTtlSeconds: number;
  now?: () => Date;
}

/**
 * What a customer-present AZUL charge needs from the browser next (3-D Secure 2.0). The port's
 * ChargeResult has only `challengeUrl`; AZUL's challenge is a form POST (creq to the ACS) and its
 * method step a hidden iframe, so the adapter returns this alongside (see ADR 0009, AZUL section).
 */
export interface AzulThreeDsAction {
  azulOrderId: string;
  step: 'method' | 'challenge';
  /** method: the HTML AZUL returned (hidden iframe + form). */
  methodForm?: string;
  /** challenge: auto-submit a form POSTing `creq` to `redirectPostUrl` from the cardholder's browser. */
  redirectPostUrl?: string;
  creq?: string;
}

export type AzulChargeResult = ChargeResult & { threeDs?: AzulThreeDsAction };

/** The payload of a verified 3-D Secure callback, as stored in the inbox. */
export interface AzulThreeDsCallbackPayload {
  organizationId: string;
  idempotencyKey: string;
  kind: 'term' | 'method';
  cRes: string | null;
}

/**
 * The AZUL adapter of the payment-provider port: direct charges of DataVault tokens (Sale, or Hold +
 * Post), refunds and voids, 3-D Secure 2.0 when the customer is present. AZUL has no customers,
 * hosted subscriptions or signed webhooks; `verifyWebhook` checks OUR signed session token on the
 * 3-D Secure callbacks the cardholder's browser posts to /v1/webhooks/azul.
 */
export class AzulPaymentProvider implements PaymentProvider {
  readonly name = 'azul' as const;
  readonly capabilities: ReadonlySet<ProviderCapability> = new Set<ProviderCapability>([
    'direct-charge',
    'capture',
    'refund',
    'void',
    'three-d-secure',
  ]);

  constructor(
    private readonly azul: AzulClient,
    private readonly settings: AzulProviderSettings,
  ) {}

  /** AZUL keeps no customer object; the organization id stands for it (tokens are per card). */
  async createCustomer(input: CreateCustomerInput): Promise<ProviderCustomer> {
    return { providerCustomerId: input.organizationId };
  }

  async charge(input: ChargeInput, options: ProviderCallOptions): Promise<AzulChargeResult> {
    const idempotencyKey = this.requireKey(options);
    if (input.currency.toUpperCase() !== 'DOP') {
      throw new PaymentProviderFailure(
        'azul',
        'currency_not_supported',
        `AZUL charges DOP, not ${input.currency}`,
        false,
      );
    }
    const threeDs = input.threeDSecure
      ? {
          termUrl: this.callbackUrl(
            input.threeDSecure.returnUrl,
            input.organizationId,
            idempotencyKey,
            'term',
          ),
          methodNotificationUrl: this.callbackUrl(
            input.threeDSecure.returnUrl,
            input.organizationId,
            idempotencyKey,
            'method',
          ),
          cardHolder: {
            name: input.threeDSecure.browserInfo?.['cardHolderName'] ?? input.organizationId,
            email: input.threeDSecure.browserInfo?.['email'],
          },
        }
      : undefined;
    const request = {
      idempotencyKey,
      amountCents: input.amountCents,
      itbisCents: input.taxCents,
      dataVaultToken: input.paymentToken,
      threeDs,
    };
    const outcome = await this.call(() =>
      input.authorizeOnly ? this.azul.hold(request) : this.azul.sale(request),
    );
    return this.resultOf(outcome, input.authorizeOnly ?? false);
  }

  /** AZUL Post needs the amount; without one it is refused (AZUL cannot look a hold up by AzulOrderId). */
  async capture(input: CaptureInput): Promise<ChargeResult> {
    if (input.amountCents === undefined) {
      throw new PaymentProviderFailure(
        'azul',
        'amount_required',
        'AZUL Post needs the amount to capture',
        false,
      );
    }
    const { itbisCents } = itbisIncluded(input.amountCents);
    const outcome = await this.call(() =>
      this.azul.post(input.providerChargeId, input.amountCents!, itbisCents),
    );
    return chargeResultOf(outcome);
  }

  async refund(input: RefundInput, options: ProviderCallOptions): Promise<RefundResult> {
    const idempotencyKey = this.requireKey(options);
    if (input.amountCents === undefined) {
      throw new PaymentProviderFailure(
        'azul',
        'amount_required',
        'AZUL Refund needs the amount to return',
        false,
      );
    }
    const { itbisCents } = itbisIncluded(input.amountCents);
    const outcome = await this.call(() =>
      this.azul.refund({
        idempotencyKey,
        originalAzulOrderId: input.providerChargeId,
        amountCents: input.amountCents!,
        itbisCents,
      }),
    );
    return {
      providerRefundId: outcome.azulOrderId,
      status: outcome.status === 'approved' ? 'succeeded' : 'failed',
    };
  }

  async void(input: VoidInput): Promise<RefundResult> {
    const outcome = await this.call(() => this.azul.void(input.providerChargeId));
    return {
      providerRefundId: outcome.azulOrderId,
      status: outcome.status === 'approved' ? 'succeeded' : 'failed',
    };
  }

  /**
   * A 3-D Secure callback (cRes to TermUrl, or the method notification), accepted only with our
   * signed, unexpired session token in `?session=`.
   */
  verifyWebhook(request: RawWebhookRequest, now: Date): VerifiedWebhook {
    const verdict = verifyThreeDsCallback(this.settings.callbackSecret, request.query?.['session'], now);
    if (!verdict.valid) {
      throw new WebhookVerificationError(
        'azul',
        verdict.reason,
        `AZUL 3-D Secure callback refused: ${verdict.reason}`,
      );
    }
    const { claims } = verdict;
    const body = parseThreeDsCallbackBody(request.rawBody);
    if (claims.kind === 'term' && !body.cRes) {
      throw new WebhookVerificationError('azul', 'malformed', 'A TermUrl callback without cRes');
    }
    const payload: AzulThreeDsCallbackPayload = {
      organizationId: claims.organizationId,
      idempotencyKey: claims.idempotencyKey,
      kind: claims.kind,
      cRes: body.cRes ?? null,
    };
    return {
      // Per organization, charge and step: a browser posting twice is stored once, and a callback
      // naming another organization's charge never shadows that organization's own.
      providerEventId: `3ds:${claims.kind}:${claims.organizationId}:${claims.idempotencyKey}`,
      type: claims.kind === 'term' ? 'three-ds.challenge-completed' : 'three-ds.method-completed',
      createdAt: now,
      payload,
    };
  }

  /**
   * The callback as a fact: the cardholder finished a 3-D Secure step of the charge our token names.
   * Pure (the port forbids side effects here): the inbox processor's applier continues the charge
   * with AZUL (ThreeDsContinuation), once, inside the transaction that marks the event processed.
   */
  async normalizeWebhook(webhook: StoredWebhook): Promise<NormalizedProviderEvent[]> {
    const payload = webhook.payload as AzulThreeDsCallbackPayload;
    return [
      {
        kind: 'three-ds.completed',
        organizationId: payload.organizationId,
        idempotencyKey: payload.idempotencyKey,
        step: payload.kind === 'term' ? 'challenge' : 'method',
        cRes: payload.cRes,
        version: webhook.createdAt.getTime(),
      },
    ];
  }

  private callbackUrl(
    base: string,
    organizationId: string,
    idempotencyKey: string,
    kind: 'term' | 'method',
  ): string {
    const now = this.settings.now?.() ?? new Date();
    return threeDsCallbackUrl(base, this.settings.callbackSecret, {
      organizationId,
      idempotencyKey,
      kind,
      exp: Math.floor(now.getTime() / 1000) + this.settings.callbackTtlSeconds,
    });
  }

  private resultOf(outcome: AzulPaymentOutcome, authorizeOnly: boolean): AzulChargeResult {
    const result: AzulChargeResult = chargeResultOf(outcome, authorizeOnly);
    if (outcome.status === 'threeDsMethod') {
      result.threeDs = { azulOrderId: outcome.azulOrderId, step: 'method', methodForm: outcome.methodForm };
    } else if (outcome.status === 'threeDsChallenge') {
      result.challengeUrl = outcome.redirectPostUrl;
      result.threeDs = {
        azulOrderId: outcome.azulOrderId,
        step: 'challenge',
        redirectPostUrl: outcome.redirectPostUrl,
        creq: outcome.creq,
      };
    }
    return result;
  }

  private requireKey(options: ProviderCallOptions): string {
    if (!options.idempotencyKey) {
      throw new PaymentProviderFailure(
        'azul',
        'idempotency_key_missing',
        'AZUL charges need an idempotency key (CustomOrderId)',
        false,
      );
    }
    return options.idempotencyKey;
  }

  /** AZUL's errors become the port's PaymentProviderFailure; `transient` = retry later with the same key. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AzulRejectedError)
        throw new PaymentProviderFailure('azul', error.description, error.message, false);
      if (error instanceof AzulTimeoutError)
        throw new PaymentProviderFailure('azul', 'timeout', error.message, true);
      if (error instanceof AzulUnavailableError)
        throw new PaymentProviderFailure('azul', 'unavailable', error.message, true);
      if (error instanceof CircuitOpenError)
        throw new PaymentProviderFailure('azul', 'circuit_open', error.message, true);
      throw error;
    }
  }
}
