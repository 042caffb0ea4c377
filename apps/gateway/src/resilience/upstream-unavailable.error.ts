import { DomainError } from '@platform/errors';

/**
 * A backend's internal HTTP port did not answer (connection refused or reset, connect timeout, no
 * response in time). Like an RPC timeout it counts against that service's circuit breaker; an HTTP
 * answer of the service, any status, does not. The detail names the service.
 */
export class UpstreamUnavailableError extends DomainError {
  readonly serviceUnanswered = true;

  constructor(service: string, why: string) {
    super('SERVICE_UNAVAILABLE', `The ${service} service is unavailable (${why}); retry shortly`, {
      service,
      retryAfterSeconds: 1,
    });
  }
}

/** The service accepted the connection but stopped moving bytes for longer than the idle budget. */
export class UpstreamTimeoutError extends DomainError {
  readonly serviceUnanswered = true;

  constructor(service: string) {
    super('RPC_TIMEOUT', `The ${service} service did not answer in time`, { service });
  }
}

export function isUnansweredUpstream(error: unknown): boolean {
  return error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError;
}
