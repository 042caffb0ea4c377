import { AUTH_RPC, authRpcSchemas, type RpcEnvelope } from '@platform/contracts';
import { DomainError } from '@platform/errors';
import { replayedResult } from '@platform/messaging';
import { defineRoute } from '../src/routes/route-definition';
import { GatewayTestBed, request } from './support/gateway-test-bed';
import { createSigningKey, signAccessToken, type SigningKey } from './support/token-mint';

/** A command route that honours Idempotency-Key (no route of the real table does until auth opts in). */
const IDEMPOTENT_ROUTE = defineRoute({
  id: 'test.idempotentCreate',
  method: 'POST',
  path: '/v1/test/idempotent-organizations',
  rpc: AUTH_RPC.createOrganization,
  auth: 'authenticated',
  rateLimit: 'write',
  request: { body: authRpcSchemas[AUTH_RPC.createOrganization].request },
  success: { status: 201, description: 'created' },
  idempotent: true,
  tag: 'Organizations',
  summary: 'Create an organization, idempotently',
});

const CREATED = {
  organization: {
    id: '0a000000-0000-4000-8000-00000000000a',
    name: 'Acme',
    plan: 'FREE',
    createdAt: '2026-11-29T10:00:00.000Z',
  },
  role: 'owner',
};

/** What the stand-in service answers next (the real decision is the idempotency lib's, tested in its own suite). */
type Answer = 'first-run' | 'replayed' | 'reused' | 'in-flight';

describe('gateway: Idempotency-Key on idempotent routes (auth played by a stand-in)', () => {
  const bed = new GatewayTestBed([AUTH_RPC.getJwks, AUTH_RPC.createOrganization], {
    extraRoutes: [IDEMPOTENT_ROUTE],
  });
  let key: SigningKey;
  let token: string;
  let answer: Answer;

  beforeAll(async () => {
    key = await createSigningKey();
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    bed.handlers.set(AUTH_RPC.createOrganization, async (_envelope: RpcEnvelope) => {
      switch (answer) {
        case 'first-run':
          return CREATED;
        case 'replayed':
          return replayedResult(CREATED);
        case 'reused':
          throw new DomainError(
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was already used for a different request',
          );
        case 'in-flight':
          throw new DomainError('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still in progress');
      }
    });
    await bed.start();
    token = await signAccessToken(key);
  }, 60_000);
  afterAll(() => bed.stop(), 30_000);

  const post = (path: string, headers: Record<string, string> = {}) =>
    request(`${bed.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ name: 'Acme' }),
    });
  const lastCall = () => bed.callsOf(AUTH_RPC.createOrganization).at(-1)!;

  it('forwards the key; a replayed answer carries Idempotent-Replayed: true with the same status and body', async () => {
    answer = 'first-run';
    const first = await post(IDEMPOTENT_ROUTE.path, { 'idempotency-key': 'order-42' });
    expect(lastCall().meta.idempotencyKey).toBe('order-42');

    answer = 'replayed';
    const again = await post(IDEMPOTENT_ROUTE.path, { 'idempotency-key': 'order-42' });

    expect([first.status, first.headers.get('idempotent-replayed')]).toEqual([201, null]);
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
    expect(again.body).toEqual(first.body);
    expect(again.body).toEqual(CREATED);
  });

  it('answers IDEMPOTENCY_KEY_REUSED as 422 and IDEMPOTENCY_KEY_IN_FLIGHT as 409, in problem+json', async () => {
    answer = 'reused';
    const reused = await post(IDEMPOTENT_ROUTE.path, { 'idempotency-key': 'order-42' });
    answer = 'in-flight';
    const inFlight = await post(IDEMPOTENT_ROUTE.path, { 'idempotency-key': 'order-42' });

    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
    expect(reused.body).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(inFlight.status).toBe(409);
    expect(inFlight.headers.get('content-type')).toContain('application/problem+json');
    expect(inFlight.body).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_IN_FLIGHT' });
    expect(reused.headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses a malformed key on an idempotent route (400), before the service is called', async () => {
    answer = 'first-run';
    const before = bed.callsOf(AUTH_RPC.createOrganization).length;

    const response = await post(IDEMPOTENT_ROUTE.path, { 'idempotency-key': 'has space' });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'BAD_REQUEST' });
    expect(bed.callsOf(AUTH_RPC.createOrganization)).toHaveLength(before);
  });

  it('ignores the header on a route that does not honour it: not forwarded, not judged', async () => {
    answer = 'first-run';

    const response = await post('/v1/orgs', { 'idempotency-key': 'has space' });

    expect(response.status).toBe(201);
    expect(lastCall().meta).not.toHaveProperty('idempotencyKey');
  });
});
