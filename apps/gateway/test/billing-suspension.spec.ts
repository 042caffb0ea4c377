import { randomUUID } from 'node:crypto';
import { AUTH_RPC, EVENT_NAMES, PAYMENTS_RPC, type RpcEnvelope } from '@platform/contracts';
import { EventPublisher } from '@platform/messaging';
import { SuspensionEventsConsumer } from '../src/billing/suspension-events.consumer';
import { waitFor } from '@platform/testing';
import { GatewayTestBed, request } from './support/gateway-test-bed';
import { createSigningKey, signAccessToken, type SigningKey } from './support/token-mint';

const SUBSCRIPTION = {
  plan: 'STARTER',
  status: 'SUSPENDED',
  provider: 'stripe',
  currentPeriodStart: null,
  currentPeriodEnd: null,
  cancelAtPeriodEnd: false,
  nextPaymentRetryAt: null,
  updatedAt: null,
};

/**
 * The gateway's billing gate: payments' suspended/reactivated events (published here on the
 * gateway's vhost, as payments' outbox relay would) drive 402 ORGANIZATION_SUSPENDED on every route
 * but auth, organization reads and billing; reactivation reopens at once; an older event redelivered
 * late never flips a newer state. Auth and payments are played by stand-ins.
 */
describe('gateway: organizations suspended for non-payment', () => {
  const bed = new GatewayTestBed([AUTH_RPC.getJwks, AUTH_RPC.createApiKey, AUTH_RPC.getProfile]);
  let key: SigningKey;
  const suspendedOrg = randomUUID();
  const otherOrg = randomUUID();
  let suspendedToken: string;
  let otherToken: string;
  let publisher: EventPublisher;

  beforeAll(async () => {
    key = await createSigningKey();
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    bed.handlers.set(AUTH_RPC.getProfile, async (envelope: RpcEnvelope) => ({
      user: {
        id: envelope.principal!.userId,
        email: 'owner@example.test',
        name: 'Owner',
        emailVerified: true,
        totpEnabled: false,
        createdAt: '2026-11-29T10:00:00.000Z',
      },
      organization: {
        id: envelope.principal!.organizationId,
        name: 'Acme',
        plan: 'STARTER',
        createdAt: '2026-11-29T10:00:00.000Z',
      },
      role: 'owner',
    }));
    bed.handlers.set(AUTH_RPC.createApiKey, async () => ({
      apiKey: {
        id: randomUUID(),
        name: 'ci',
        prefix: 'pk_live_abcd',
        scopes: [],
        expiresAt: null,
        lastUsedAt: null,
        createdAt: '2026-11-29T10:00:00.000Z',
        revokedAt: null,
      },
      secret: 'pk_live_abcd.secret',
    }));
    await bed.start();
    await bed.startStandIn('payments', { [PAYMENTS_RPC.getSubscription]: async () => SUBSCRIPTION });
    publisher = bed.gateway.app.get(EventPublisher);
    // The queue must be bound before anything is published (an unbound routing key drops events).
    await bed.gateway.app.get(SuspensionEventsConsumer).ready();
    suspendedToken = await signAccessToken(key, { org: suspendedOrg, plan: 'STARTER' });
    otherToken = await signAccessToken(key, { org: otherOrg, plan: 'STARTER' });
  }, 60_000);
  afterAll(() => bed.stop(), 30_000);

  const createApiKey = (token: string) =>
    request(`${bed.url}/v1/orgs/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      json: { name: 'ci' },
    });
  const get = (path: string, token: string) =>
    request(`${bed.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const publish = (name: string, payload: object, occurredAt: Date) =>
    publisher.publish(name, payload, { id: randomUUID(), occurredAt });

  it('answers 402 ORGANIZATION_SUSPENDED after payments suspends the organization, on data routes only', async () => {
    expect((await createApiKey(suspendedToken)).status).toBe(201);
    const suspendedAt = new Date();
    await publish(
      EVENT_NAMES.subscriptionSuspended,
      { organizationId: suspendedOrg, plan: 'STARTER', suspendedAt: suspendedAt.toISOString() },
      suspendedAt,
    );

    const refused = await waitFor('402 at the gateway', async () => {
      const answer = await createApiKey(suspendedToken);
      return answer.status === 402 ? answer : null;
    });
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'ORGANIZATION_SUSPENDED', status: 402 });
    // Auth and billing stay open (to sign in and to pay); another organization is untouched.
    expect((await get('/v1/auth/profile', suspendedToken)).status).toBe(200);
    expect((await get('/v1/payments/subscription', suspendedToken)).status).toBe(200);
    expect((await createApiKey(otherToken)).status).toBe(201);
  });

  it('reopens everything at once on reactivation; a late, older suspension does not close it again', async () => {
    const reactivatedAt = new Date();
    await publish(
      EVENT_NAMES.subscriptionReactivated,
      { organizationId: suspendedOrg, plan: 'STARTER', reactivatedAt: reactivatedAt.toISOString() },
      reactivatedAt,
    );
    await waitFor('open again', async () => (await createApiKey(suspendedToken)).status === 201);

    const older = new Date(reactivatedAt.getTime() - 60_000);
    await publish(
      EVENT_NAMES.subscriptionSuspended,
      { organizationId: suspendedOrg, plan: 'STARTER', suspendedAt: older.toISOString() },
      older,
    );
    // A newer fact that must land after the stale one proves the stale one was handled (same queue, in order).
    const probeOrg = randomUUID();
    const now = new Date();
    await publish(
      EVENT_NAMES.subscriptionSuspended,
      { organizationId: probeOrg, plan: 'STARTER', suspendedAt: now.toISOString() },
      now,
    );
    const probeToken = await signAccessToken(key, { org: probeOrg });
    await waitFor(
      'the probe suspension applied',
      async () => (await createApiKey(probeToken)).status === 402,
    );
    expect((await createApiKey(suspendedToken)).status).toBe(201);
  });
});
