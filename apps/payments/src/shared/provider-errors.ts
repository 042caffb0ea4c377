import { DomainError } from '@platform/errors';
import { PaymentProviderFailure } from '../providers/payment-provider.port';

/**
 * Runs a provider call from a use case: a provider failure becomes PAYMENT_PROVIDER_ERROR (502),
 * or SERVICE_UNAVAILABLE (503) when retrying later may work; the provider's message stays in logs.
 */
export async function callProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof PaymentProviderFailure)) throw error;
    if (error.transient) {
      throw new DomainError('SERVICE_UNAVAILABLE', `The payment provider (${error.provider}) is unavailable`);
    }
    throw new DomainError(
      'PAYMENT_PROVIDER_ERROR',
      `The payment provider (${error.provider}) refused the request`,
      {
        provider: error.provider,
        providerCode: error.providerCode,
      },
    );
  }
}

/**
 * The provider idempotency key for a caller's Idempotency-Key: scoped by organization and command,
 * so two tenants (or two commands) choosing the same key never share one at the provider.
 */
export function providerIdempotencyKey(
  organizationId: string,
  command: string,
  callerKey: string | undefined,
): string | undefined {
  return callerKey === undefined ? undefined : `${organizationId}:${command}:${callerKey}`;
}
