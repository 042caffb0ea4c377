import { connect } from 'node:net';
import { AUTH_RPC, type RpcEnvelope } from '@platform/contracts';
import { AmqpConnection } from '@platform/messaging';
import { waitFor } from '@platform/testing';
import { GatewayTestBed, request } from './support/gateway-test-bed';
import { createSigningKey, signAccessToken, type SigningKey } from './support/token-mint';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 6, points 2b, 10, 11 and 13 at the gateway alone (auth played by a stand-in): one tenant's
 * failures do not shrink other tenants' limits, metrics and readiness are on the internal port, a
 * trickled body is cut off, and a gateway without a broker answers 503 at once.
 */
describe('gateway edge resilience (auth played by a stand-in)', () => {
  const bed = new GatewayTestBed([AUTH_RPC.getJwks, AUTH_RPC.getProfile, AUTH_RPC.login], {
    brokerThroughProxy: true,
  });
  let key: SigningKey;
  const failingOrganizations = new Set<string>();
  const tokenOf = new Map<string, string>();

  beforeAll(async () => {
    key = await createSigningKey();
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    bed.handlers.set(AUTH_RPC.getProfile, async (envelope: RpcEnvelope) => {
      if (failingOrganizations.has(envelope.principal!.organizationId!)) throw new Error('boom');
      return { principal: envelope.principal };
    });
    bed.handlers.set(AUTH_RPC.login, async () => ({ mfaRequired: true, mfaToken: 'm' }));
    await bed.start({
      RPC_TIMEOUT_MS: '3000',
      // Out of reach: this suite provokes 500s on purpose to watch adaptive limits, not the breaker.
      GATEWAY_BREAKER_CONSECUTIVE_FAILURES: '100000',
      GATEWAY_BREAKER_MIN_REQUESTS: '100000',
      ADAPTIVE_WINDOW_SECONDS: '30',
      ADAPTIVE_MIN_REQUESTS: '10',
      ADAPTIVE_ERROR_RATE_THRESHOLD: '0.25',
      ADAPTIVE_MIN_DISTINCT_CALLERS: '3',
      ADAPTIVE_LIMIT_FACTOR: '0.5',
      RATE_LIMIT_READ_PER_MINUTE: '1000',
      REQUEST_BODY_TIMEOUT_MS: '1000',
    });
    for (const org of ['victim', 'attacker', 'second', 'third'])
      tokenOf.set(org, await signAccessToken(key, { plan: 'ENTERPRISE', org: crypto.randomUUID() }));
  }, 60_000);
  afterAll(() => bed.stop(), 30_000);

  const organizationOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).org as string;
  const profile = (org: string) =>
    request(`${bed.url}/v1/auth/profile`, { headers: { authorization: `Bearer ${tokenOf.get(org)}` } });
  const limitOf = async (org: string) => (await profile(org)).headers.get('ratelimit-limit');

  describe('adaptive limits ignore failures a single caller provokes', () => {
    it("one tenant's 500s, however many, leave another tenant's limit alone", async () => {
      expect(await limitOf('victim')).toBe('1000');
      failingOrganizations.add(organizationOf(tokenOf.get('attacker')!));

      const statuses = new Set<number>();
      for (let i = 0; i < 30; i++) statuses.add((await profile('attacker')).status);
      await sleep(300); // the rule re-judges a service at most every 250 ms

      expect([...statuses]).toEqual([500]);
      expect(await limitOf('victim')).toBe('1000');
    });

    it('failures seen by enough distinct tenants still shrink the limits (the service itself is failing)', async () => {
      for (const org of ['second', 'third']) failingOrganizations.add(organizationOf(tokenOf.get(org)!));
      for (let i = 0; i < 5; i++) {
        await profile('second');
        await profile('third');
      }
      await sleep(300);

      expect(await limitOf('victim')).toBe('500');
    });
  });

  describe('internal port', () => {
    it('serves detailed readiness and metrics there, not on the public port', async () => {
      const publicMetrics = await request<{ code: string }>(`${bed.url}/metrics`);
      const publicReady = await request<{ code: string }>(`${bed.url}/health/ready`);
      const internalReady = await request<{
        info: Record<string, { status: string }>;
        error: Record<string, { status: string }>;
      }>(`${bed.internalUrl}/health/ready`);
      const internalServices = await request<{
        status: string;
        services: Record<string, { status: string; breaker: string }>;
      }>(`${bed.internalUrl}/health/services`);
      const internalMetrics = await fetch(`${bed.internalUrl}/metrics`);

      expect([publicMetrics.status, publicReady.status]).toEqual([404, 404]);
      expect(publicMetrics.body.code).toBe('ROUTE_NOT_FOUND');
      expect(publicReady.headers.get('content-type')).toContain('application/problem+json');
      expect((await request(`${bed.url}/health/live`)).status).toBe(200);
      // Ready on its own dependencies only; every backend's state is in the (always 200) table, where
      // only auth has a stand-in here.
      expect(internalReady.status).toBe(200);
      expect(internalReady.body.info.rabbitmq!.status).toBe('up');
      expect(internalReady.body.info.redis!.status).toBe('up');
      expect(internalServices.status).toBe(200);
      expect(internalServices.body.status).toBe('degraded');
      expect(internalServices.body.services.payments).toMatchObject({ status: 'down', breaker: 'closed' });
      expect(internalMetrics.status).toBe(200);
      expect(await internalMetrics.text()).toContain('gateway_adaptive_limit_factor');
    });
  });

  describe('slow request bodies', () => {
    it('answers 408 and closes a connection whose body trickles in past REQUEST_BODY_TIMEOUT_MS', async () => {
      const socket = connect(Number(new URL(bed.url).port), '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('error', () => undefined);
      const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
      await new Promise((resolve) => socket.once('connect', resolve));

      const started = Date.now();
      socket.write(
        'POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
      );
      const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
      const closedAt = await Promise.race([closed, sleep(10_000).then(() => -1)]);
      clearInterval(trickle);
      socket.destroy();

      expect(closedAt).toBeGreaterThan(0);
      expect(closedAt - started).toBeLessThan(5000);
      expect(received).toMatch(/^HTTP\/1\.1 408/);
      expect(received).toContain('application/problem+json');
      expect(received).toContain('"code":"REQUEST_TIMEOUT"');
    });
  });

  describe('broker down', () => {
    afterAll(() => bed.broker!.restore());

    it('answers 503 problem+json with Retry-After at once while the broker is gone, and recovers by itself', async () => {
      failingOrganizations.clear();
      expect((await profile('victim')).status).toBe(200);

      await bed.broker!.cut();
      const gatewayConnection = bed.gateway.app.get(AmqpConnection);
      await waitFor('the gateway to see its broker connection closed', () => !gatewayConnection.isConnected);
      const started = Date.now();
      const response = await profile('victim');
      const elapsed = Date.now() - started;

      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(elapsed).toBeLessThan(1000); // the RPC timeout is 3000 ms

      await bed.broker!.restore();
      await waitFor('the gateway to serve again', async () => (await profile('victim')).status === 200, {
        timeoutMs: 15_000,
        intervalMs: 200,
      });
    }, 30_000);
  });
});
