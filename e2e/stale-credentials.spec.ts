import { waitFor } from '@platform/testing';
import { addMember, register, type Account } from './support/accounts';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

interface ApiKeyItem {
  id: string;
  revokedAt: string | null;
}

/**
 * Issue 6, points 5 and 11 (keys): powers that outlive the reason they were granted. A demoted admin's
 * token, a removed member's API keys and an expired key are all refused at once — not when a token
 * or a cache entry happens to expire.
 */
describe('stale credentials (whole platform)', () => {
  // The credential cache keeps its production default (30 s): the point is that it does not matter.
  const suite = usePlatform({ ...GENEROUS_LIMITS, CREDENTIAL_CACHE_TTL_SECONDS: '30' }, { organizationsStartOn: 'ENTERPRISE' });
  let owner: Account;

  beforeAll(async () => {
    owner = await register(suite.api, 'stale-owner');
  }, 30_000);

  /** An API key is authenticated (then refused by the account routes: 403) or not (401). */
  const keyStatus = async (secret: string) =>
    (await suite.api.get('/v1/orgs/members', { headers: { 'x-api-key': secret } })).status;

  const createKey = async (by: Account, body: Record<string, unknown> = {}) => {
    const created = await suite.api.post<{ apiKey: { id: string }; secret: string }>('/v1/orgs/api-keys', {
      token: by.tokens.accessToken,
      json: { name: 'stale key', ...body },
    });
    expect(created.status).toBe(201);
    return { id: created.body.apiKey.id, secret: created.body.secret };
  };

  const listKeys = async () =>
    (await suite.api.get<{ items: ApiKeyItem[] }>('/v1/orgs/api-keys', { token: owner.tokens.accessToken }))
      .body.items;

  it('point 5: a demoted admin’s still-valid token no longer lists pending invitations', async () => {
    const { api, platform } = suite;
    const admin = await addMember(api, platform.mail, owner, 'admin');
    expect((await api.get('/v1/orgs/invitations', { token: admin.tokens.accessToken })).status).toBe(200);

    const demoted = await api.call('PATCH', `/v1/orgs/members/${admin.userId}`, {
      token: owner.tokens.accessToken,
      json: { role: 'viewer' },
    });
    expect(demoted.status).toBe(200);

    const stale = await api.get('/v1/orgs/invitations', { token: admin.tokens.accessToken });
    expect(stale.status).toBe(403);
    expect(stale.body).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('point 11: a removed member’s API keys stop authenticating at once and list as revoked', async () => {
    const { api, platform } = suite;
    const developer = await addMember(api, platform.mail, owner, 'developer');
    const key = await createKey(developer);
    // Resolved once: the gateway now holds it in its credential cache.
    expect(await keyStatus(key.secret)).toBe(403);
    expect(await keyStatus(key.secret)).toBe(403);

    const removed = await api.call('DELETE', `/v1/orgs/members/${developer.userId}`, {
      token: owner.tokens.accessToken,
    });
    expect(removed.status).toBe(204);

    expect(await keyStatus(key.secret)).toBe(401);
    expect((await listKeys()).find((k) => k.id === key.id)?.revokedAt).toEqual(expect.any(String));
  });

  it('point 11: a member who leaves takes their keys along; the owner’s keys stay', async () => {
    const { api, platform } = suite;
    const admin = await addMember(api, platform.mail, owner, 'admin');
    const leaving = await createKey(admin);
    const kept = await createKey(owner);
    expect(await keyStatus(leaving.secret)).toBe(403);

    const left = await api.call('DELETE', `/v1/orgs/members/${admin.userId}`, {
      token: admin.tokens.accessToken,
    });
    expect(left.status).toBe(204);

    expect(await keyStatus(leaving.secret)).toBe(401);
    expect(await keyStatus(kept.secret)).toBe(403);
    const keys = await listKeys();
    expect(keys.find((k) => k.id === leaving.id)?.revokedAt).toEqual(expect.any(String));
    expect(keys.find((k) => k.id === kept.id)?.revokedAt).toBeNull();
  });

  it('point 11: a cached key stops working at its own expiry, not at the cache’s', async () => {
    const expiresAt = new Date(Date.now() + 2_000);
    const key = await createKey(owner, { expiresAt: expiresAt.toISOString() });
    expect(await keyStatus(key.secret)).toBe(403);

    await waitFor('the expired key to be refused', async () => (await keyStatus(key.secret)) === 401, {
      timeoutMs: 6_000,
      intervalMs: 100,
    });
    // Refused at its expiry (give or take a second of clock and polling), far inside the 30 s cache TTL.
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime() - 50);
    expect(Date.now()).toBeLessThan(expiresAt.getTime() + 2_000);
  });
});
