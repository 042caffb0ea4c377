import { performance } from 'node:perf_hooks';
import { healthPingPattern, type BackendServiceName } from '@platform/contracts';
import { jsonRequest, waitFor, type JsonResponse } from '@platform/testing';
import { defineRoute, type RouteDefinition } from '../apps/gateway/src/routes/route-definition';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

/**
 * Only auth has public routes today: these stand for the routes payments and storage will have,
 * each reaching the real service (its health ping) through the gateway's ordinary pipeline.
 */
function statusRoute(service: BackendServiceName): RouteDefinition {
  return defineRoute({
    id: `test.${service}Status`,
    method: 'GET',
    path: `/v1/test/${service}/status`,
    rpc: healthPingPattern(service) as never,
    auth: 'public',
    rateLimit: 'public',
    request: {},
    success: { status: 200, description: 'the service answered' },
    tag: 'Test',
    summary: `Reach ${service}`,
  });
}

const RPC_TIMEOUT_MS = 2500;
const BREAKER_WINDOW_MS = 10_000;
const PAYMENTS = '/v1/test/payments/status';
const STORAGE = '/v1/test/storage/status';
const JWKS = '/.well-known/jwks.json';

interface Sample {
  path: string;
  status: number;
  code?: string;
  detail?: string;
  retryAfter: string | null;
  startedAt: number;
  tookMs: number;
}

describe('one backend down never takes the API down (whole platform, real infrastructure)', () => {
  const suite = usePlatform(
    {
      ...GENEROUS_LIMITS,
      RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS),
      GATEWAY_BREAKER_CONSECUTIVE_FAILURES: '3',
      GATEWAY_BREAKER_FAILURE_RATE: '0.5',
      GATEWAY_BREAKER_MIN_REQUESTS: '10',
      GATEWAY_BREAKER_WINDOW_SECONDS: String(BREAKER_WINDOW_MS / 1000),
      GATEWAY_BREAKER_COOLDOWN_SECONDS: '1',
    },
    { gatewayRoutes: [statusRoute('payments'), statusRoute('storage')] },
  );

  const samples: Sample[] = [];
  let loadRunning = false;
  let load: Promise<unknown> = Promise.resolve();

  async function client(): Promise<void> {
    const paths = [PAYMENTS, STORAGE, JWKS];
    for (let i = 0; loadRunning; i++) {
      const path = paths[i % paths.length];
      const startedAt = performance.now();
      const response: JsonResponse<{ code?: string; detail?: string }> | undefined = await jsonRequest<{
        code?: string;
        detail?: string;
      }>(`${suite.platform.gateway.url}${path}`).catch((error: unknown) => {
        if (loadRunning) throw error;
        return undefined; // the platform stopping under the last requests
      });
      if (!response) return;
      samples.push({
        path,
        status: response.status,
        code: response.body?.code,
        detail: response.body?.detail,
        retryAfter: response.headers.get('retry-after'),
        startedAt,
        tookMs: performance.now() - startedAt,
      });
    }
  }

  const stopLoad = async () => {
    loadRunning = false;
    await load;
  };
  beforeAll(() => {
    loadRunning = true;
    // A few concurrent clients, each cycling over the three services' routes.
    load = Promise.all([0, 1, 2, 3].map(() => client()));
  });
  afterAll(stopLoad, 30_000);

  const servicesTable = async () =>
    (
      await jsonRequest<{ services: Record<string, { status: string; breaker: string }> }>(
        `${suite.platform.gatewayInternalUrl}/health/services`,
      )
    ).body.services;

  it('stopped payments: its routes answer 503 naming it within one breaker window, the others keep answering 2xx, and it recovers by itself', async () => {
    await waitFor('every route answering 2xx under load', () =>
      [PAYMENTS, STORAGE, JWKS].every((path) => samples.some((s) => s.path === path && s.status === 200)),
    );

    await suite.platform.stopBackend('payments');
    const stoppedAt = performance.now();

    const open = await waitFor(
      'payments routes refused at once by the open breaker',
      () =>
        samples.find(
          (s) => s.path === PAYMENTS && s.startedAt > stoppedAt && s.code === 'SERVICE_UNAVAILABLE',
        ),
      { timeoutMs: BREAKER_WINDOW_MS },
    );
    expect(open).toMatchObject({ status: 503, detail: expect.stringContaining('payments') });
    expect(Number(open.retryAfter)).toBeGreaterThanOrEqual(1);
    // Refused by the gateway itself: no RPC timeout waited out.
    expect(open.tookMs).toBeLessThan(RPC_TIMEOUT_MS);

    // The gateway stays ready (its own Redis and RabbitMQ are fine) and reports payments down.
    const ready = await jsonRequest(`${suite.platform.gatewayInternalUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const table = await servicesTable();
    expect(table.payments.status).toBe('down');
    expect(['open', 'half-open']).toContain(table.payments.breaker);
    expect(table.storage).toMatchObject({ status: 'up', breaker: 'closed' });

    await suite.platform.restartBackend('payments');
    const restartedAt = performance.now();
    await waitFor(
      'payments routes answering 2xx again without any operator action',
      () => samples.some((s) => s.path === PAYMENTS && s.startedAt > restartedAt && s.status === 200),
      { timeoutMs: 30_000 },
    );
    await waitFor(
      'the payments breaker closed again',
      async () => (await servicesTable()).payments.breaker === 'closed',
    );
    await stopLoad();

    // Throughout the outage, the other services' routes answered 2xx and only 2xx.
    const others = samples.filter((s) => s.path !== PAYMENTS);
    expect(others.filter((s) => s.startedAt > stoppedAt).length).toBeGreaterThan(10);
    expect(others.filter((s) => s.status !== 200)).toEqual([]);
    // Payments answered only 200 (before / after), its own RPC timeout, or the breaker's 503.
    for (const s of samples.filter((s) => s.path === PAYMENTS && s.status !== 200)) {
      expect(['RPC_TIMEOUT', 'SERVICE_UNAVAILABLE']).toContain(s.code);
    }
  }, 90_000);
});
