import { Writable } from 'node:stream';
import pino from 'pino';
import { metricsRegistry } from '@platform/observability';
import type { GatewayEnv } from '../../config/gateway-env.schema';
import { AdaptiveLimitsService, isServiceFailure } from './adaptive-limits.service';

describe('what counts as a service failure', () => {
  it.each(['INTERNAL', 'RPC_TIMEOUT', 'RPC_NO_ROUTE', 'SERVICE_UNAVAILABLE'])(
    '%s is the service’s fault',
    (code) => {
      expect(isServiceFailure({ code })).toBe(true);
    },
  );

  it.each(['VALIDATION_FAILED', 'NOT_FOUND', 'FORBIDDEN', 'RATE_LIMITED', 'CONFLICT'])(
    '%s is the client’s, not the service’s',
    (code) => {
      expect(isServiceFailure({ code })).toBe(false);
    },
  );

  it('counts an error without a string code (a crash, a bug) as the service’s', () => {
    expect(isServiceFailure(new Error('boom'))).toBe(true);
    expect(isServiceFailure({ code: 503 })).toBe(true);
    expect(isServiceFailure(undefined)).toBe(true);
  });
});

describe('the adaptive limits service', () => {
  const config = {
    ADAPTIVE_WINDOW_SECONDS: 10,
    ADAPTIVE_MIN_REQUESTS: 4,
    ADAPTIVE_ERROR_RATE_THRESHOLD: 0.5,
    ADAPTIVE_LATENCY_P95_THRESHOLD_MS: 2000,
    ADAPTIVE_LIMIT_FACTOR: 0.25,
    ADAPTIVE_MIN_DISTINCT_CALLERS: 1,
  } as GatewayEnv;

  const capture = () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { lines, logger: pino({ level: 'info' }, stream) };
  };
  const gauge = async (service: string) => {
    const metric = await metricsRegistry.getSingleMetric('gateway_adaptive_limit_factor')!.get();
    return metric.values.find((v) => v.labels.service === service)?.value;
  };
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('applies the configured rule, logs and exports degradation and recovery', async () => {
    const { lines, logger } = capture();
    const service = new AdaptiveLimitsService(config, logger);
    for (let i = 0; i < 4; i++) service.record('svc-a', 10, i < 2, 'org-1'); // 2 / 4 = 50 %: not over 50 %
    expect(service.isDegraded('svc-a')).toBe(false);
    service.record('svc-a', 10, true, 'org-1'); // 3 / 5 = 60 %
    expect(service.isDegraded('svc-a')).toBe(true);
    expect(service.factorFor('svc-a')).toBe(0.25);
    await flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      service: 'svc-a',
      factor: 0.25,
      requests: 5,
      errorRate: 0.6,
      msg: "adaptive throttling: svc-a is degraded, its routes' limits are multiplied by 0.25",
    });
    expect(await gauge('svc-a')).toBe(0.25);

    for (let i = 0; i < 10; i++) service.record('svc-a', 10, false, 'org-1'); // 3 / 15 = 20 %
    expect(service.isDegraded('svc-a')).toBe(false);
    await flush();
    expect(lines[1]).toMatchObject({
      level: 40,
      service: 'svc-a',
      factor: 1,
      msg: "adaptive throttling: svc-a recovered, its routes' limits are restored",
    });
    expect(await gauge('svc-a')).toBe(1);
  });

  it('judges latency against the configured p95 threshold', () => {
    const { logger } = capture();
    const service = new AdaptiveLimitsService(config, logger);
    for (let i = 0; i < 4; i++) service.record('svc-b', 2000, false, 'org-1');
    expect(service.isDegraded('svc-b')).toBe(false); // p95 = 2000, not over
    for (let i = 0; i < 4; i++) service.record('svc-b', 4000, false, 'org-1');
    expect(service.isDegraded('svc-b')).toBe(true);
  });
});
