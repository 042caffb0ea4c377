import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { metricsRegistry } from '@platform/observability';
import type { GatewayEnv } from '../../config/gateway-env.schema';
import { AdaptiveLimits } from './adaptive-limits';

/** Module-level: one series per process even when a test process boots several gateways. */
const limitFactorGauge = new Gauge<'service'>({
  name: 'gateway_adaptive_limit_factor',
  help: 'Factor applied to the rate limits of a backend service’s routes (1 = healthy, < 1 = degraded).',
  labelNames: ['service'],
  registers: [metricsRegistry],
});

/** RPC error codes that mean the service failed, not the client. */
const SERVICE_FAILURE_CODES = new Set(['INTERNAL', 'RPC_TIMEOUT', 'RPC_NO_ROUTE', 'SERVICE_UNAVAILABLE']);

export function isServiceFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code !== 'string' || SERVICE_FAILURE_CODES.has(code);
}

/** The gateway's adaptive limits, fed with every RPC outcome; state changes are logged and exported. */
@Injectable()
export class AdaptiveLimitsService extends AdaptiveLimits {
  constructor(@Inject(SERVICE_CONFIG) config: GatewayEnv, @Inject(LOGGER) logger: Logger) {
    super(
      {
        windowSeconds: config.ADAPTIVE_WINDOW_SECONDS,
        minRequests: config.ADAPTIVE_MIN_REQUESTS,
        errorRateThreshold: config.ADAPTIVE_ERROR_RATE_THRESHOLD,
        latencyP95ThresholdMs: config.ADAPTIVE_LATENCY_P95_THRESHOLD_MS,
        minDistinctCallers: config.ADAPTIVE_MIN_DISTINCT_CALLERS,
        limitFactor: config.ADAPTIVE_LIMIT_FACTOR,
      },
      (service, degraded, stats) => {
        const factor = degraded ? config.ADAPTIVE_LIMIT_FACTOR : 1;
        limitFactorGauge.set({ service }, factor);
        const message = degraded
          ? `adaptive throttling: ${service} is degraded, its routes' limits are multiplied by ${factor}`
          : `adaptive throttling: ${service} recovered, its routes' limits are restored`;
        logger.warn({ service, factor, ...stats }, message);
      },
    );
  }
}
