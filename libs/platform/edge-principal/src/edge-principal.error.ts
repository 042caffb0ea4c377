import { DomainError } from '@platform/errors';

/**
 * The request reached a service's internal port without a valid gateway-signed principal. `reason`
 * is for the service's log only: the client sees the code and a fixed message, so a prober learns
 * nothing about which check failed.
 */
export class EdgePrincipalInvalidError extends DomainError {
  constructor(readonly reason: string) {
    super('EDGE_PRINCIPAL_INVALID', 'The request did not come through the gateway with a valid principal');
  }
}
