import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { TokenPair } from '@platform/contracts';
import { findTenantIsolationGaps, runInTenant } from '@platform/tenancy';
import { addMember, invitationToken, register, uniqueEmail, type Account } from './support/accounts';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

type Items<T> = { items: T[] };

/**
 * Org A's owner (full permissions in A) reaches for org B's members, invitations and API keys: by id
 * it gets 404 — the same answer as for an id that does not exist, so ids cannot be probed — and
 * lists only ever show A's own. Every route acting on an id is covered.
 */
describe('tenant isolation through the gateway (whole platform)', () => {
  const suite = usePlatform(GENEROUS_LIMITS, { organizationsStartOn: 'ENTERPRISE' });
  let a: Account;
  let b: Account;
  let bMember: Account;
  let bInvitationId: string;
  let bKey: { id: string; secret: string };
  let aKeyId: string;

  beforeAll(async () => {
    const { api, platform } = suite;
    [a, b] = [await register(api, 'tenant-a'), await register(api, 'tenant-b')];
    bMember = await addMember(api, platform.mail, b, 'developer');
    const invitation = await api.post<{ invitation: { id: string } }>('/v1/orgs/invitations', {
      token: b.tokens.accessToken,
      json: { email: uniqueEmail('b-invitee'), role: 'viewer' },
    });
    bInvitationId = invitation.body.invitation.id;
    const key = await api.post<{ apiKey: { id: string }; secret: string }>('/v1/orgs/api-keys', {
      token: b.tokens.accessToken,
      json: { name: 'b key' },
    });
    bKey = { id: key.body.apiKey.id, secret: key.body.secret };
    const own = await api.post<{ apiKey: { id: string } }>('/v1/orgs/api-keys', {
      token: a.tokens.accessToken,
      json: { name: 'a key' },
    });
    aKeyId = own.body.apiKey.id;
  }, 60_000);

  const asA = () => ({ token: a.tokens.accessToken });

  it('does not list B’s members, invitations or API keys to A', async () => {
    const { api } = suite;
    const members = await api.get<Items<{ userId: string }>>('/v1/orgs/members', asA());
    const invitations = await api.get<Items<{ id: string }>>('/v1/orgs/invitations', asA());
    const keys = await api.get<Items<{ id: string }>>('/v1/orgs/api-keys', asA());

    expect([members.status, invitations.status, keys.status]).toEqual([200, 200, 200]);
    expect(members.body.items.map((m) => m.userId)).toEqual([a.userId]);
    expect(members.body.items.map((m) => m.userId)).not.toContain(bMember.userId);
    expect(invitations.body.items.map((i) => i.id)).not.toContain(bInvitationId);
    expect(keys.body.items.map((k) => k.id)).toEqual([aKeyId]);
  });

  it.each([
    [
      'change the role of B’s member',
      'PATCH',
      () => `/v1/orgs/members/${bMember.userId}`,
      { role: 'viewer' },
    ],
    ['remove B’s member', 'DELETE', () => `/v1/orgs/members/${bMember.userId}`, undefined],
    ['remove B’s owner', 'DELETE', () => `/v1/orgs/members/${b.userId}`, undefined],
    ['revoke B’s invitation', 'DELETE', () => `/v1/orgs/invitations/${bInvitationId}`, undefined],
    ['revoke B’s API key', 'DELETE', () => `/v1/orgs/api-keys/${bKey.id}`, undefined],
  ] as const)('A gets 404 trying to %s', async (_what, method, path, json) => {
    const response = await suite.api.call(method, path(), { ...asA(), json });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers an unknown id exactly like B’s id (no probing)', async () => {
    const theirs = await suite.api.call('DELETE', `/v1/orgs/api-keys/${bKey.id}`, asA());
    const nobodys = await suite.api.call('DELETE', `/v1/orgs/api-keys/${randomUUID()}`, asA());
    expect(theirs.status).toBe(nobodys.status);
    expect((theirs.body as { code: string }).code).toBe((nobodys.body as { code: string }).code);
  });

  it('left B’s data untouched', async () => {
    const { api } = suite;
    const members = await api.get<Items<{ userId: string; role: string }>>('/v1/orgs/members', {
      token: b.tokens.accessToken,
    });
    const invitations = await api.get<Items<{ id: string }>>('/v1/orgs/invitations', {
      token: b.tokens.accessToken,
    });
    const keys = await api.get<Items<{ id: string; revokedAt: string | null }>>('/v1/orgs/api-keys', {
      token: b.tokens.accessToken,
    });

    expect(members.body.items).toContainEqual(
      expect.objectContaining({ userId: bMember.userId, role: 'developer' }),
    );
    expect(invitations.body.items.map((i) => i.id)).toContain(bInvitationId);
    expect(keys.body.items).toContainEqual(expect.objectContaining({ id: bKey.id, revokedAt: null }));
  });

  it('does not let B’s API key act on A', async () => {
    const { api } = suite;
    const revokeA = await api.call('DELETE', `/v1/orgs/api-keys/${aKeyId}`, {
      headers: { 'x-api-key': bKey.secret },
    });
    const keys = await api.get<Items<{ id: string; revokedAt: string | null }>>('/v1/orgs/api-keys', asA());

    expect([403, 404]).toContain(revokeA.status);
    expect(keys.body.items).toContainEqual(expect.objectContaining({ id: aKeyId, revokedAt: null }));
  });

  it('does not let A switch into B', async () => {
    const response = await suite.api.post('/v1/orgs/switch', {
      ...asA(),
      json: { organizationId: b.organizationId },
    });
    expect([403, 404]).toContain(response.status);
  });

  it('does not let A accept an invitation addressed to someone else', async () => {
    const { api, platform } = suite;
    const email = uniqueEmail('b-only');
    await api.post('/v1/orgs/invitations', { token: b.tokens.accessToken, json: { email, role: 'admin' } });
    const token = await invitationToken(platform.mail, email);

    const response = await api.post('/v1/orgs/invitations/accept', { ...asA(), json: { token } });
    expect([403, 404]).toContain(response.status);
    const switched = await api.post<TokenPair>('/v1/orgs/switch', {
      ...asA(),
      json: { organizationId: b.organizationId },
    });
    expect(switched.status).not.toBe(200);
  });

  it('rests on PostgreSQL: auth runs as a role under forced RLS, which sees no row without a tenant', async () => {
    // The platform's own auth connection (the app role), after everything above went through the gateway.
    const auth = suite.platform.backends.get('auth')!.app.get(DataSource);
    expect(await findTenantIsolationGaps(auth)).toEqual([]);
    for (const table of ['memberships', 'invitations', 'api_keys', 'sessions']) {
      const [{ count }] = (await auth.query(`SELECT count(*)::int AS count FROM ${table}`)) as {
        count: number;
      }[];
      expect({ table, count }).toEqual({ table, count: 0 });
    }
    // No organization filter: B's transaction sees B's owner and member, nothing of A.
    const members: { user_id: string }[] = await runInTenant(auth, b.organizationId, (manager) =>
      manager.query(`SELECT user_id FROM memberships ORDER BY created_at`),
    );
    expect(members.map((row) => row.user_id)).toEqual([b.userId, bMember.userId]);
  });
});
