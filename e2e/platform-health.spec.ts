import { BACKEND_SERVICES } from '@platform/contracts';
import { PlatformHarness } from './platform-harness';

type HealthEntry = { status: 'up' | 'down'; message?: string; checks?: Record<string, string> };
type HealthBody = {
  status: string;
  info: Record<string, HealthEntry>;
  error: Record<string, HealthEntry>;
} & Record<string, unknown>;
type ServicesBody = {
  status: 'ok' | 'degraded';
  services: Record<string, HealthEntry & { breaker: string }>;
};

describe('the whole platform boots and reports readiness (real infrastructure)', () => {
  const platform = new PlatformHarness();

  // Short enough that the stopped backend below is reported within seconds, long enough that nine
  // parallel pings on a loaded 2-core CI machine (load 15+) all answer: 700 ms failed there.
  beforeAll(() => platform.start({ READINESS_PING_TIMEOUT_MS: '3000' }), 120_000);
  afterAll(() => platform.stop(), 60_000);

  it('gateway /health/ready (internal port) is 200 on its own dependencies only (Redis, RabbitMQ)', async () => {
    const response = await fetch(`${platform.gatewayInternalUrl}/health/ready`);
    const body = (await response.json()) as HealthBody;

    expect(response.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.info).sort()).toEqual(['rabbitmq', 'redis']);
    expect(body.info.redis.status).toBe('up');
    expect(body.info.rabbitmq.status).toBe('up');
  });

  it('gateway /health/services (internal port) reports every backend service up via its RPC ping', async () => {
    const response = await fetch(`${platform.gatewayInternalUrl}/health/services`);
    const body = (await response.json()) as ServicesBody;

    expect(response.status).toBe(200);
    expect(Object.keys(body.services).sort()).toEqual([...BACKEND_SERVICES].sort());
    for (const service of BACKEND_SERVICES) {
      expect(body.services[service]).toMatchObject({
        status: 'up',
        breaker: 'closed',
        checks: expect.objectContaining({ postgres: 'up', rabbitmq: 'up' }),
      });
    }
  });

  it('every backend serves live, ready and metrics on its internal port, and migrated its own database', async () => {
    for (const [name, service] of platform.backends) {
      expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${service.url}/health/ready`);
      expect({ name, status: ready.status }).toEqual({ name, status: 200 });
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      // One process hosts every service here, so they share a registry (and its default labels);
      // in a deployment each service process has its own.
      expect(metrics).toMatch(
        new RegExp(`rpc_server_duration_seconds_count\\{[^}]*pattern="${name}.health.ping",outcome="ok"`),
      );
    }
  });

  it('answers unknown routes with problem+json, a stable code and the request id', async () => {
    const response = await fetch(`${platform.gateway.url}/v1/does-not-exist`, {
      headers: { 'x-request-id': 'req-abc-123' },
    });
    const body = (await response.json()) as HealthBody;

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('x-request-id')).toBe('req-abc-123');
    expect(body).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', requestId: 'req-abc-123' });
  });

  it('one backend stopped: the gateway stays ready, /health/services names the service down', async () => {
    await platform.stopBackend('campaigns');

    const ready = await fetch(`${platform.gatewayInternalUrl}/health/ready`);
    expect(ready.status).toBe(200);

    const response = await fetch(`${platform.gatewayInternalUrl}/health/services`);
    const body = (await response.json()) as ServicesBody;
    // Informational: the table answers 200 whatever it says.
    expect(response.status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.services.campaigns).toMatchObject({
      status: 'down',
      message: expect.stringContaining('campaigns.health.ping'),
    });
    expect(body.services.auth.status).toBe('up');
  });
});
