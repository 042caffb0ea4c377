import { CircuitOpenError, type CircuitBreaker } from '@platform/resilience';
import { AzulTimeoutError, AzulUnavailableError } from './azul-errors';

/**
 * One provider able to charge a stored payment token without the customer present. Shaped like the
 * `charge` operation of the payment-provider port (apps/payments/src/providers/payment-provider.port.ts)
 * so the port's adapters plug in as they are.
 */
export interface TokenChargeProvider {
  readonly name: string;
  charge(input: TokenChargeInput, options: { idempotencyKey: string }): Promise<TokenChargeResult>;
}

export interface TokenChargeInput {
  organizationId: string;
  paymentToken: string;
  /** The fallback's saved card (Stripe PaymentMethod of the customer in `paymentToken`). */
  paymentMethodId?: string;
  amountCents: number;
  taxCents: number;
  currency: string;
  description: string;
}

export interface TokenChargeResult {
  providerChargeId: string;
  status: 'succeeded' | 'authorized' | 'declined' | 'requires_action' | 'pending';
  declineCode?: string;
  declineMessage?: string;
}

export interface RecurringCharge {
  organizationId: string;
  /** One key per billing period and organization (e.g. `recurring:<org>:<period>`), the same on every retry. */
  idempotencyKey: string;
  amountCents: number;
  /** ITBIS included in amountCents (AZUL); the fallback provider computes its own tax. */
  taxCents: number;
  currency: string;
  description: string;
  /** The organization's AZUL DataVault token, if it pays with AZUL. */
  azulToken?: string;
  /** The organization's token at the fallback provider (its Stripe customer), once it saved a card. */
  fallbackToken?: string;
  /** Which saved card of that customer pays (its Stripe PaymentMethod). */
  fallbackPaymentMethod?: string;
  /**
   * An earlier attempt with this key reached AZUL and its outcome is unknown (timed out). Then only
   * AZUL may be asked again (it finds the original by CustomOrderId); charging the fallback could
   * take the money twice.
   */
  azulOutcomeUnknown?: boolean;
}

export interface RoutedCharge {
  provider: string;
  /** Why this provider: AZUL first; the fallback when AZUL's breaker is open or AZUL was never reached. */
  reason: 'primary' | 'azul-circuit-open' | 'azul-not-reached' | 'no-azul-token';
  result: TokenChargeResult;
}

/** The charge cannot be placed now without risking a double charge; retry later with the same key. */
export class RecurringChargeDeferredError extends Error {
  constructor(
    readonly reason: 'azul-outcome-unknown' | 'no-provider',
    message: string,
  ) {
    super(message);
    this.name = 'RecurringChargeDeferredError';
  }
}

/**
 * Chooses who takes a recurring monthly charge (seed 003: AZUL first, Stripe as backup while AZUL's
 * circuit breaker is open). The rule that keeps money safe: fall back ONLY when AZUL provably did not
 * receive the charge (breaker refused it, connection refused); after a timeout the outcome is unknown
 * and the caller must retry AZUL with the same key, which AZUL deduplicates by CustomOrderId.
 * A decline is the card's answer and is returned as is (dunning retries it), never re-routed.
 */
export class RecurringChargeRouter {
  constructor(
    private readonly azul: TokenChargeProvider,
    private readonly azulBreaker: CircuitBreaker,
    private readonly fallback: TokenChargeProvider | null,
  ) {}

  async charge(charge: RecurringCharge): Promise<RoutedCharge> {
    if (!charge.azulToken) return this.viaFallback(charge, 'no-azul-token');
    if (this.azulBreaker.state === 'open' && !charge.azulOutcomeUnknown) {
      return this.viaFallback(charge, 'azul-circuit-open');
    }
    try {
      const result = await this.azul.charge(this.input(charge, charge.azulToken), {
        idempotencyKey: charge.idempotencyKey,
      });
      return { provider: this.azul.name, reason: 'primary', result };
    } catch (error) {
      const neverReachedAzul =
        error instanceof CircuitOpenError || (error instanceof AzulUnavailableError && error.notSent);
      if (neverReachedAzul && !charge.azulOutcomeUnknown) {
        return this.viaFallback(
          charge,
          error instanceof CircuitOpenError ? 'azul-circuit-open' : 'azul-not-reached',
        );
      }
      if (
        error instanceof AzulTimeoutError ||
        error instanceof AzulUnavailableError ||
        error instanceof CircuitOpenError
      ) {
        throw new RecurringChargeDeferredError(
          'azul-outcome-unknown',
          `AZUL outcome of ${charge.idempotencyKey} unknown; retry AZUL later with the same key (${error.message})`,
        );
      }
      throw error;
    }
  }

  private async viaFallback(charge: RecurringCharge, reason: RoutedCharge['reason']): Promise<RoutedCharge> {
    if (!this.fallback || !charge.fallbackToken) {
      throw new RecurringChargeDeferredError(
        'no-provider',
        `no provider can take ${charge.idempotencyKey} now (${reason})`,
      );
    }
    // The same key: a retried fallback charge is deduplicated by the fallback provider too.
    const result = await this.fallback.charge(
      { ...this.input(charge, charge.fallbackToken), paymentMethodId: charge.fallbackPaymentMethod },
      {
        idempotencyKey: charge.idempotencyKey,
      },
    );
    return { provider: this.fallback.name, reason, result };
  }

  private input(charge: RecurringCharge, paymentToken: string): TokenChargeInput {
    return {
      organizationId: charge.organizationId,
      paymentToken,
      amountCents: charge.amountCents,
      taxCents: charge.taxCents,
      currency: charge.currency,
      description: charge.description,
    };
  }
}
