import { waitFor } from '@platform/testing';
import { CredentialInvalidationConsumer } from '../apps/gateway/src/authentication/credential-invalidation.consumer';
import { register, type Account } from './support/accounts';
import { ApiClient } from './support/api-client';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

/**
 * Issue 8, point 1: the API-key cache is invalidated by an event from auth. The real auth service
 * revokes a key and writes `auth.api-key.revoked` to its outbox; its relay publishes it; each of two
 * gateway replicas consumes it on its own queue. A long cache TTL makes sure nothing else does the work.
 */
/** A running gateway (the platform's own, or a second replica). */
type Gateway = Awaited<ReturnType<ReturnType<typeof usePlatform>['platform']['startExtraGateway']>>;

describe('API-key revocation reaches every gateway replica (whole platform)', () => {
  const suite = usePlatform({ ...GENEROUS_LIMITS, CREDENTIAL_CACHE_TTL_SECONDS: '300' });
  let owner: Account;
  let second: Gateway;
  let secondApi: ApiClient;

  beforeAll(async () => {
    owner = await register(suite.api, 'fanout-owner');
    second = await suite.platform.startExtraGateway({});
    secondApi = new ApiClient(second.url);
  }, 60_000);

  const consumer = (gateway: Gateway) => gateway.app.get(CredentialInvalidationConsumer);
  /** An API key is authenticated (then refused by this account route: 403) or not (401). */
  const keyStatus = async (api: ApiClient, secret: string) =>
    (await api.get('/v1/orgs/members', { headers: { 'x-api-key': secret } })).status;

  it('a key revoked through one replica is refused by the other within a second, and both hear the event', async () => {
    const created = await suite.api.post<{ apiKey: { id: string }; secret: string }>('/v1/orgs/api-keys', {
      token: owner.tokens.accessToken,
      json: { name: 'fan-out' },
    });
    expect(created.status).toBe(201);
    const { secret } = created.body;
    expect(await keyStatus(suite.api, secret)).toBe(403);
    expect(await keyStatus(secondApi, secret)).toBe(403);
    const heard = [consumer(suite.platform.gateway).counts.received, consumer(second).counts.received];

    const revoked = await suite.api.call('DELETE', `/v1/orgs/api-keys/${created.body.apiKey.id}`, {
      token: owner.tokens.accessToken,
    });
    expect(revoked.status).toBe(204);
    const revokedAt = Date.now();

    await waitFor(
      'the other replica to refuse the key',
      async () => (await keyStatus(secondApi, secret)) === 401,
      {
        timeoutMs: 1000,
      },
    );
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    // The outbox event itself reached each replica (fan-out), whatever refused the key first.
    await waitFor(
      'both replicas to consume auth.api-key.revoked',
      () =>
        consumer(suite.platform.gateway).counts.received === heard[0]! + 1 &&
        consumer(second).counts.received === heard[1]! + 1,
    );
    expect(await keyStatus(suite.api, secret)).toBe(401);
  });
});
