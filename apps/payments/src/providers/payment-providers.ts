import type { PaymentProviderName } from '@platform/contracts';
import { DomainError } from '@platform/errors';
import type { PaymentProvider } from './payment-provider.port';

/**
 * The configured payment providers, by name. A provider without credentials in the env is absent:
 * its routes answer 503 SERVICE_UNAVAILABLE (never a half-working call).
 */
export class PaymentProviders {
  private readonly byName: ReadonlyMap<PaymentProviderName, PaymentProvider>;

  constructor(providers: PaymentProvider[]) {
    this.byName = new Map(providers.map((provider) => [provider.name, provider]));
  }

  get(name: PaymentProviderName): PaymentProvider {
    const provider = this.byName.get(name);
    if (!provider)
      throw new DomainError('SERVICE_UNAVAILABLE', `Payments through ${name} are not configured`);
    return provider;
  }

  has(name: PaymentProviderName): boolean {
    return this.byName.has(name);
  }
}
