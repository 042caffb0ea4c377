import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { DomainError } from '@platform/errors';
import { RpcBrokerUnavailableError, RpcConnectionLostError } from '@platform/messaging';
import { metricsRegistry } from '@platform/observability';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { Bulkhead } from './bulkhead';
import { CircuitBreaker, type BreakerState } from '@platform/resilience';
import { isUnansweredUpstream } from './upstream-unavailable.error';

/**
 * What opens a breaker: the service not answering (the call timed out, or no consumer is bound to its
 * pattern), never an answer. An INTERNAL or SERVICE_UNAVAILABLE error is an answer — the service is up
 * — and one caller's input can provoke it (auth answers 503 when it cannot send that caller's
 * invitation mail), so counting it would let one tenant cut a service off for every tenant (issue 6,
 * point 2); the adaptive limits, which need several distinct callers, judge those.
 */
const UNANSWERED_CODES = new Set(['RPC_TIMEOUT', 'RPC_NO_ROUTE']);

export function isServiceUnavailable(error: unknown): boolean {
  // Webhook and stream routes: the service's internal HTTP port refused, reset or went silent.
  if (isUnansweredUpstream(error)) return true;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && UNANSWERED_CODES.has(code);
}

/** Gauge values of the breaker state (Prometheus has no strings). */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

interface Guard {
  breaker: CircuitBreaker;
  bulkhead: Bulkhead;
}

/** Every guard of every gateway in the process: the metrics below read them at scrape time. */
const liveGuards = new Set<Map<string, Guard>>();

/** Module-level: one series per process even when a test process boots several gateways. */
const breakerStateGauge = new Gauge<'service'>({
  name: 'gateway_circuit_breaker_state',
  help: 'Circuit breaker of a backend service at the gateway: 0 closed, 1 half-open, 2 open.',
  labelNames: ['service'],
  registers: [metricsRegistry],
  collect() {
    // Read at scrape time, so an open breaker whose cool-down has passed shows half-open.
    for (const guards of liveGuards) {
      for (const [service, guard] of guards) this.set({ service }, BREAKER_STATE_VALUE[guard.breaker.state]);
    }
  },
});
const inFlightGauge = new Gauge<'service'>({
  name: 'gateway_backend_in_flight',
  help: 'RPCs to a backend service in flight at the gateway (bounded by GATEWAY_MAX_IN_FLIGHT_PER_SERVICE).',
  labelNames: ['service'],
  registers: [metricsRegistry],
});
const refusedCounter = new Counter<'service' | 'reason'>({
  name: 'gateway_backend_refused_total',
  help: 'Requests the gateway answered 503 without calling the service: circuit open or bulkhead full.',
  labelNames: ['service', 'reason'],
  registers: [metricsRegistry],
});

export interface BackendGuardState {
  breaker: BreakerState;
  inFlight: number;
}

/**
 * A circuit breaker and a bulkhead per backend service around the gateway's RPC to it. An open
 * breaker or a full bulkhead answers 503 SERVICE_UNAVAILABLE (naming the service, with
 * Retry-After) at once, for that service's routes only; every other service's routes go on.
 */
@Injectable()
export class BackendGuard implements OnApplicationShutdown {
  private readonly guards = new Map<string, Guard>();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    liveGuards.add(this.guards);
  }

  onApplicationShutdown(): void {
    liveGuards.delete(this.guards);
  }

  /** Runs `call` (the RPC to `service`) unless the service's breaker is open or its bulkhead full. */
  async call<T>(service: string, call: () => Promise<T>): Promise<T> {
    const { breaker, bulkhead } = this.guardOf(service);
    if (!bulkhead.tryEnter()) {
      refusedCounter.inc({ service, reason: 'bulkhead-full' });
      throw new DomainError('SERVICE_UNAVAILABLE', `The ${service} service is at capacity; retry shortly`, {
        service,
        retryAfterSeconds: 1,
      });
    }
    inFlightGauge.set({ service }, bulkhead.inFlight);
    try {
      const admission = breaker.tryAcquire();
      if (!admission.admitted) {
        refusedCounter.inc({ service, reason: 'circuit-open' });
        throw new DomainError(
          'SERVICE_UNAVAILABLE',
          `The ${service} service is unavailable; retry in ${admission.retryAfterSeconds} s`,
          { service, retryAfterSeconds: admission.retryAfterSeconds },
        );
      }
      try {
        const result = await call();
        breaker.record(admission, false);
        return result;
      } catch (error) {
        // The gateway's own broker connection failing says nothing about this service: a broker
        // outage must not open every breaker and keep them open after the broker is back.
        if (error instanceof RpcBrokerUnavailableError || error instanceof RpcConnectionLostError) {
          breaker.release(admission);
        } else {
          breaker.record(admission, isServiceUnavailable(error));
        }
        throw error;
      }
    } finally {
      bulkhead.leave();
      inFlightGauge.set({ service }, bulkhead.inFlight);
    }
  }

  /** State of `service`'s breaker and bulkhead (`/health/services`). */
  stateOf(service: string): BackendGuardState {
    const { breaker, bulkhead } = this.guardOf(service);
    return { breaker: breaker.state, inFlight: bulkhead.inFlight };
  }

  private guardOf(service: string): Guard {
    let guard = this.guards.get(service);
    if (!guard) {
      const config = this.config;
      guard = {
        breaker: new CircuitBreaker(
          service,
          {
            consecutiveFailures: config.GATEWAY_BREAKER_CONSECUTIVE_FAILURES,
            failureRate: {
              ratio: config.GATEWAY_BREAKER_FAILURE_RATE,
              minRequests: config.GATEWAY_BREAKER_MIN_REQUESTS,
              windowMs: config.GATEWAY_BREAKER_WINDOW_SECONDS * 1000,
            },
            coolDownMs: config.GATEWAY_BREAKER_COOLDOWN_SECONDS * 1000,
          },
          Date.now,
          (from, to) => this.changed(service, from, to),
        ),
        bulkhead: new Bulkhead(config.GATEWAY_MAX_IN_FLIGHT_PER_SERVICE),
      };
      this.guards.set(service, guard);
    }
    return guard;
  }

  private changed(service: string, from: BreakerState, to: BreakerState): void {
    breakerStateGauge.set({ service }, BREAKER_STATE_VALUE[to]);
    const message = {
      open: `circuit breaker: ${service} is failing, its routes answer 503 for ${this.config.GATEWAY_BREAKER_COOLDOWN_SECONDS} s`,
      'half-open': `circuit breaker: ${service} cool-down over, one probe request goes through`,
      closed: `circuit breaker: ${service} recovered, its routes are served again`,
    }[to];
    this.logger[to === 'open' ? 'warn' : 'info']({ service, from, to }, message);
  }
}
