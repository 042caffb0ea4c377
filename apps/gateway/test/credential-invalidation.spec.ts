import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { AUTH_RPC, type Principal } from '@platform/contracts';
import { DomainError } from '@platform/errors';
import type { RunningService } from '@platform/bootstrap';
import { waitFor } from '@platform/testing';
import { CredentialInvalidationConsumer } from '../src/authentication/credential-invalidation.consumer';
import type { GatewayEnv } from '../src/config/gateway-env.schema';
import { defineRoute } from '../src/routes/route-definition';
import { GatewayTestBed, request } from './support/gateway-test-bed';
import { claims, createSigningKey, signAccessToken, type SigningKey } from './support/token-mint';

/** A data-plane route API keys may call (the real table has none yet). */
const WHOAMI = defineRoute({
  id: 'test.whoami',
  method: 'GET',
  path: '/v1/test/whoami',
  rpc: AUTH_RPC.getProfile,
  auth: 'authenticated',
  credentials: ['user', 'api-key'],
  rateLimit: 'read',
  request: {},
  success: { status: 200, description: 'The principal, echoed' },
  tag: 'Test',
  summary: 'Echo the principal',
});

/**
 * Two gateway replicas sharing Redis and RabbitMQ, auth played by a stand-in that — like auth's
 * outbox relay — publishes `auth.api-key.revoked` when a key is revoked, and writes NO revocation
 * marker, so what stops the key here is the event alone.
 */
describe('API-key cache invalidation across gateway replicas (real Redis and RabbitMQ)', () => {
  const bed = new GatewayTestBed(
    [AUTH_RPC.getJwks, AUTH_RPC.getProfile, AUTH_RPC.verifyApiKey, AUTH_RPC.revokeApiKey],
    {
      extraRoutes: [WHOAMI],
      brokerThroughProxy: true,
    },
  );
  let replica: RunningService<GatewayEnv>;
  let key: SigningKey;
  let raw: Redis;
  /** The cache's index from key id to entry (CredentialCache), present while the key is cached. */
  const idKey = (apiKeyId: string) => `${bed.redis.keyPrefix}cred:api-key-id:${apiKeyId}`;
  const organizationId = randomUUID();
  /** Keys auth knows: secret → key id; revoked ones are removed. */
  const liveKeys = new Map<string, string>();

  const consumerOf = (gateway: RunningService<GatewayEnv>) => gateway.app.get(CredentialInvalidationConsumer);
  const whoami = (gateway: RunningService<GatewayEnv>, secret: string) =>
    request<{ principal: Principal }>(`${gateway.url}/v1/test/whoami`, { headers: { 'x-api-key': secret } });
  const newKey = () => {
    const secret = `pk_live_${randomUUID().replace(/-/g, '')}`;
    const apiKeyId = randomUUID();
    liveKeys.set(secret, apiKeyId);
    return { secret, apiKeyId };
  };
  const revokeThrough = async (gateway: RunningService<GatewayEnv>, apiKeyId: string) =>
    request(`${gateway.url}/v1/orgs/api-keys/${apiKeyId}`, {
      method: 'DELETE',
      headers: {
        authorization: `Bearer ${await signAccessToken(key, claims({ org: organizationId, roles: ['admin'] }))}`,
      },
    });

  beforeAll(async () => {
    key = await createSigningKey();
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    bed.handlers.set(AUTH_RPC.getProfile, async ({ principal }) => ({ principal }));
    bed.handlers.set(AUTH_RPC.verifyApiKey, async ({ data }) => {
      const apiKeyId = liveKeys.get((data as { key: string }).key);
      if (!apiKeyId) throw new DomainError('UNAUTHENTICATED', 'Invalid API key');
      return {
        principal: {
          kind: 'api-key',
          userId: null,
          organizationId,
          roles: ['developer'],
          scopes: [],
          apiKeyId,
          plan: 'FREE',
        },
        expiresAt: null,
      };
    });
    bed.handlers.set(AUTH_RPC.revokeApiKey, async ({ data }) => {
      const { apiKeyId } = data as { apiKeyId: string };
      for (const [secret, id] of liveKeys) if (id === apiKeyId) liveKeys.delete(secret);
      await bed.publisher.publish('auth.api-key.revoked', { organizationId, apiKeyId, reason: 'revoked' });
      return { revoked: true };
    });
    await bed.start({ RATE_LIMIT_REDIS_TIMEOUT_MS: '5000', CREDENTIAL_CACHE_TTL_SECONDS: '300' });
    replica = await bed.startReplica();
    raw = new Redis(bed.redis.url);
  }, 60_000);
  afterAll(async () => {
    raw?.disconnect();
    await bed.stop();
  }, 30_000);

  it('a key revoked through one replica is refused by the other within a second; both heard the event', async () => {
    const { secret, apiKeyId } = newKey();
    expect((await whoami(bed.gateway, secret)).status).toBe(200);
    const resolved = await whoami(replica, secret);
    expect(resolved.body.principal.apiKeyId).toBe(apiKeyId);
    // The second replica answered from the shared cache: auth was asked once.
    expect(
      bed.callsOf(AUTH_RPC.verifyApiKey).filter((call) => (call.data as { key: string }).key === secret),
    ).toHaveLength(1);
    const heard = [consumerOf(bed.gateway).counts.received, consumerOf(replica).counts.received];

    expect((await revokeThrough(bed.gateway, apiKeyId)).status).toBe(204);
    const revokedAt = Date.now();
    await waitFor(
      'the other replica to refuse the key',
      async () => (await whoami(replica, secret)).status === 401,
      {
        timeoutMs: 1000,
      },
    );
    const refusedAfterMs = Date.now() - revokedAt;

    expect(refusedAfterMs).toBeLessThan(1000);
    expect((await whoami(bed.gateway, secret)).status).toBe(401);
    // Fan-out: each replica consumed the event on its own queue (not one competing consumer).
    await waitFor(
      'both replicas to have handled the event',
      () =>
        consumerOf(bed.gateway).counts.received === heard[0]! + 1 &&
        consumerOf(replica).counts.received === heard[1]! + 1,
    );
    expect(consumerOf(bed.gateway).queue).not.toBe(consumerOf(replica).queue);
  });

  it('a replica cut off from the broker re-subscribes on reconnect, drops what it remembered, and hears revocations again', async () => {
    const consumer = consumerOf(bed.gateway);
    const resyncsBefore = consumer.counts.resyncs;
    const forgotten: string[] = [];
    const unsubscribe = consumer.subscribe({
      apiKeyRevoked: (apiKeyId) => void forgotten.push(apiKeyId),
      resync: () => void forgotten.push('*'),
    });
    try {
      const cutOff = newKey();
      expect((await whoami(bed.gateway, cutOff.secret)).status).toBe(200);
      await bed.broker!.cut();
      // Revoked while this replica is away: its queue is gone, only the other replica hears the event
      // and drops the shared cache entry (for both: this replica cannot answer anyway — no broker).
      expect((await revokeThrough(replica, cutOff.apiKeyId)).status).toBe(204);
      await waitFor(
        'the shared cache entry to be dropped',
        async () => (await raw.exists(idKey(cutOff.apiKeyId))) === 0,
      );
      expect(forgotten).not.toContain(cutOff.apiKeyId);

      await bed.broker!.restore();
      await waitFor(
        'the queue re-declared after the reconnect',
        () => consumer.counts.resyncs > resyncsBefore,
        {
          timeoutMs: 30_000,
          intervalMs: 100,
        },
      );
      expect(forgotten).toContain('*');
      expect((await whoami(bed.gateway, cutOff.secret)).status).toBe(401);

      const later = newKey();
      expect((await whoami(bed.gateway, later.secret)).status).toBe(200);
      expect((await revokeThrough(replica, later.apiKeyId)).status).toBe(204);
      await waitFor('the reconnected replica to hear the next revocation', () =>
        forgotten.includes(later.apiKeyId),
      );
    } finally {
      unsubscribe();
    }
  }, 60_000);
});
