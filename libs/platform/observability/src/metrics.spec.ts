import {
  eventsConsumedTotal,
  eventsPublishedTotal,
  httpServerDuration,
  initMetrics,
  metricsRegistry,
  outboxRelayedTotal,
  renderMetrics,
  rpcClientDuration,
  rpcServerDuration,
} from './metrics';
import { register as globalRegistry } from 'prom-client';

/** Value of the sample `name{...}` whose labels include all of `labels`, in whatever order prom-client wrote them. */
function sampleValue(body: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of body.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('metrics', () => {
  beforeAll(() => {
    initMetrics({ service: 'recordings' });
    // Idempotent: a second call (another module booting) must not throw "already registered".
    initMetrics({ service: 'recordings' });
  });

  it('renders every platform instrument with the service label', async () => {
    rpcClientDuration.observe({ pattern: 'storage.upload.get', outcome: 'ok' }, 0.012);
    rpcServerDuration.observe({ pattern: 'recordings.recording.get', outcome: 'error' }, 0.0007);
    httpServerDuration.observe({ method: 'GET', route: '/v1/recordings/:id', status_code: '200' }, 0.03);
    eventsPublishedTotal.inc({ routing_key: 'recordings.recording.created' });
    eventsConsumedTotal.inc({ queue: 'analytics.recordings', outcome: 'duplicate' });
    outboxRelayedTotal.inc(3);

    const { contentType, body } = await renderMetrics();

    expect(contentType).toMatch(/^text\/plain/);
    const service = 'recordings';
    expect(
      sampleValue(body, 'rpc_client_duration_seconds_bucket', {
        le: '0.025',
        pattern: 'storage.upload.get',
        outcome: 'ok',
        service,
      }),
    ).toBe(1);
    expect(
      sampleValue(body, 'rpc_client_duration_seconds_bucket', {
        le: '0.01',
        pattern: 'storage.upload.get',
        service,
      }),
    ).toBe(0);
    expect(
      sampleValue(body, 'rpc_server_duration_seconds_bucket', {
        le: '0.001',
        pattern: 'recordings.recording.get',
        outcome: 'error',
        service,
      }),
    ).toBe(1);
    expect(
      sampleValue(body, 'http_server_request_duration_seconds_count', {
        method: 'GET',
        route: '/v1/recordings/:id',
        status_code: '200',
        service,
      }),
    ).toBe(1);
    expect(
      sampleValue(body, 'events_published_total', { routing_key: 'recordings.recording.created', service }),
    ).toBe(1);
    expect(
      sampleValue(body, 'events_consumed_total', {
        queue: 'analytics.recordings',
        outcome: 'duplicate',
        service,
      }),
    ).toBe(1);
    expect(sampleValue(body, 'outbox_relayed_total', { service })).toBe(3);
  });

  it('has buckets from 0.5 ms to 10 s', async () => {
    const { body } = await renderMetrics();
    const les = body
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('rpc_client_duration_seconds_bucket{') && line.includes('storage.upload.get'),
      )
      .map((line) => /le="([^"]+)"/.exec(line)![1]);
    expect(les).toEqual([
      '0.0005',
      '0.001',
      '0.0025',
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]);
  });

  it('collects default Node metrics once, labelled, on its own registry only', async () => {
    const { body } = await renderMetrics();
    expect(sampleValue(body, 'process_cpu_user_seconds_total', { service: 'recordings' })).toBeGreaterThan(0);
    expect(
      sampleValue(body, 'nodejs_eventloop_lag_seconds', { service: 'recordings' }),
    ).toBeGreaterThanOrEqual(0);
    expect(body.match(/^# TYPE process_cpu_user_seconds_total /gm)).toHaveLength(1);
    expect(metricsRegistry).not.toBe(globalRegistry);
    expect(await globalRegistry.metrics()).not.toContain('rpc_client_duration_seconds');
  });
});
