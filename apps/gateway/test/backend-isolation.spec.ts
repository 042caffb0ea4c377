import { AUTH_RPC } from '@platform/contracts';
import { DomainError } from '@platform/errors';
import { waitFor } from '@platform/testing';
import { defineRoute, type RouteDefinition } from '../src/routes/route-definition';
import { GatewayTestBed, request } from './support/gateway-test-bed';

/** A public route to a stand-in backend (no real service has public routes yet besides auth). */
function standInRoute(id: string, path: string, rpc: string): RouteDefinition {
  return defineRoute({
    id,
    method: 'GET',
    path,
    rpc: rpc as never,
    auth: 'public',
    rateLimit: 'public',
    request: {},
    success: { status: 200, description: 'answered' },
    tag: 'Test',
    summary: id,
  });
}

const PAYMENTS_PATTERN = 'payments.x.get';
const STORAGE_PATTERN = 'storage.y.get';
const PAYMENTS = '/v1/test/payments/x';
const STORAGE = '/v1/test/storage/y';
const MAX_IN_FLIGHT = 4;
const COOL_DOWN_SECONDS = 30;
/** Long enough for a loaded machine to answer, short enough to time calls out in a test. */
const RPC_TIMEOUT_MS = 1500;

type Problem = { code?: string; detail?: string; ok?: boolean };

describe('gateway: one backend slow or failing never takes the others down (stand-in backends)', () => {
  const bed = new GatewayTestBed([AUTH_RPC.getJwks], {
    extraRoutes: [
      standInRoute('test.paymentsX', PAYMENTS, PAYMENTS_PATTERN),
      standInRoute('test.storageY', STORAGE, STORAGE_PATTERN),
    ],
  });
  /** What the payments stand-in does with the next calls. */
  let paymentsBehaviour: 'answer' | 'hang' | 'not-found' | 'crash' | 'unavailable' = 'answer';
  /** With 'hang': each call waits for the test, past the gateway's RPC timeout. */
  let paymentsCalls = 0;
  const hanging: (() => void)[] = [];

  beforeAll(async () => {
    await bed.start({
      RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
      GATEWAY_MAX_IN_FLIGHT_PER_SERVICE: String(MAX_IN_FLIGHT),
      GATEWAY_BREAKER_CONSECUTIVE_FAILURES: '3',
      GATEWAY_BREAKER_MIN_REQUESTS: '1000',
      GATEWAY_BREAKER_COOLDOWN_SECONDS: String(COOL_DOWN_SECONDS),
      RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS),
    });
    await bed.startStandIn('payments', {
      [PAYMENTS_PATTERN]: async () => {
        paymentsCalls++;
        switch (paymentsBehaviour) {
          case 'answer':
            return { ok: true };
          case 'hang':
            // Held until the test lets go: a slow service, without any wall-clock sleep.
            await new Promise<void>((resolve) => hanging.push(resolve));
            return { ok: true };
          case 'not-found':
            throw new DomainError('NOT_FOUND', 'no such x');
          case 'crash':
            throw new Error('payments crashed');
          case 'unavailable':
            // The service answers 503 itself (e.g. a mail provider refusing this caller's message).
            throw new DomainError('SERVICE_UNAVAILABLE', 'cannot do that right now');
        }
      },
    });
    await bed.startStandIn('storage', { [STORAGE_PATTERN]: async () => ({ ok: true }) });
  }, 60_000);
  afterAll(() => bed.stop(), 30_000);

  const get = (path: string) => request<Problem>(`${bed.url}${path}`);
  const services = async () =>
    (
      await request<{ services: Record<string, { breaker: string; inFlight: number }> }>(
        `${bed.internalUrl}/health/services`,
      )
    ).body.services;

  it('bulkhead: a slow service fills only its own in-flight slots; its excess gets 503 at once, the other service 2xx', async () => {
    paymentsBehaviour = 'hang';
    const held = Array.from({ length: MAX_IN_FLIGHT }, () => get(PAYMENTS));
    await waitFor(
      `${MAX_IN_FLIGHT} payments calls held by the slow service`,
      () => hanging.length === MAX_IN_FLIGHT,
    );
    expect((await services()).payments.inFlight).toBe(MAX_IN_FLIGHT);

    const excess = await get(PAYMENTS);
    expect(excess.status).toBe(503);
    expect(excess.headers.get('content-type')).toContain('application/problem+json');
    expect(excess.headers.get('retry-after')).toBe('1');
    expect(excess.body).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      detail: expect.stringContaining('payments'),
    });
    expect(hanging.length).toBe(MAX_IN_FLIGHT);

    // The other service: as many concurrent calls as its own bulkhead holds, all answered.
    const storage = await Promise.all(Array.from({ length: MAX_IN_FLIGHT }, () => get(STORAGE)));
    expect(storage.map((r) => r.status)).toEqual(Array(MAX_IN_FLIGHT).fill(200));

    for (const release of hanging.splice(0)) release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual(Array(MAX_IN_FLIGHT).fill(200));
    paymentsBehaviour = 'answer';
    expect((await get(PAYMENTS)).status).toBe(200);
    expect((await services()).payments).toMatchObject({ inFlight: 0, breaker: 'closed' });
  });

  it('breaker: answers — 4xx or 500 from one caller’s input — never open it; 3 consecutive unanswered calls do, then its routes answer 503 without reaching it', async () => {
    paymentsBehaviour = 'not-found';
    for (let i = 0; i < 5; i++) expect((await get(PAYMENTS)).status).toBe(404);
    paymentsBehaviour = 'crash';
    for (let i = 0; i < 5; i++) expect((await get(PAYMENTS)).status).toBe(500);
    paymentsBehaviour = 'unavailable';
    const callsBefore = paymentsCalls;
    for (let i = 0; i < 5; i++) expect((await get(PAYMENTS)).status).toBe(503);
    expect(paymentsCalls).toBe(callsBefore + 5); // each one answered by the service itself
    expect((await services()).payments.breaker).toBe('closed');

    paymentsBehaviour = 'hang';
    for (let i = 0; i < 3; i++) expect((await get(PAYMENTS)).status).toBe(504);
    for (const release of hanging.splice(0)) release();
    const callsWhenOpened = paymentsCalls;

    const refused = await get(PAYMENTS);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      detail: expect.stringContaining('payments'),
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(COOL_DOWN_SECONDS);
    expect(paymentsCalls).toBe(callsWhenOpened);
    expect((await services()).payments.breaker).toBe('open');

    // Every other route keeps working.
    expect((await get(STORAGE)).status).toBe(200);
    expect((await services()).storage.breaker).toBe('closed');

    const metrics = await (await fetch(`${bed.internalUrl}/metrics`)).text();
    expect(metrics).toMatch(/gateway_circuit_breaker_state\{[^}]*service="payments"[^}]*\} 2/);
  });
});
