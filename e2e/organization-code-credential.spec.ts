import { randomUUID } from 'node:crypto';
import type { TokenPair } from '@platform/contracts';
import { ROUTE_TABLE } from '../apps/gateway/src/routes/route-table';
import {
  acceptedCredentials,
  isRpcRoute,
  type RpcRouteDefinition as RouteDefinition,
} from '../apps/gateway/src/routes/route-definition';
import { addMember, issueOrganizationCode, register, uniqueEmail, type Account } from './support/accounts';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

interface Items<T> {
  items: T[];
}

/**
 * Issue 6, point 1: an organization code is an organization credential. With the code and a member's
 * user id (`x-user-id`) the probe switched into the member's other organization, minted API keys,
 * promoted members, invited owners, enrolled TOTP and logged the owner out. Now every account and
 * organization-management route refuses a code with 403, whatever `x-user-id` says, and nothing
 * behind them ran.
 */
describe('organization code + x-user-id (whole platform)', () => {
  const suite = usePlatform(GENEROUS_LIMITS);
  /** Owner of the organization the code authenticates; also owner of another organization. */
  let owner: Account;
  let otherOrganizationId: string;
  let member: Account;
  let code: string;

  const asCode = (userId?: string) => ({
    'x-organization-code': code,
    ...(userId ? { 'x-user-id': userId } : {}),
  });

  beforeAll(async () => {
    const { api, platform } = suite;
    const user = await register(api, 'code-owner');
    otherOrganizationId = user.organizationId;
    code = await issueOrganizationCode(platform, 'STARTER');
    const created = await api.post<{ organization: { id: string } }>('/v1/orgs/from-code', {
      token: user.tokens.accessToken,
      json: { code, organizationName: 'Code Co' },
    });
    expect(created.status).toBe(201);
    const switched = await api.post<TokenPair>('/v1/orgs/switch', {
      token: user.tokens.accessToken,
      json: { organizationId: created.body.organization.id },
    });
    owner = { ...user, organizationId: created.body.organization.id, tokens: switched.body };
    member = await addMember(api, platform.mail, owner, 'developer');
  }, 60_000);

  /** The probe's requests, each with the body that did the damage. */
  const probe = (): [string, string, string, unknown][] => [
    [
      'switch to the owner’s other organization',
      'POST',
      '/v1/orgs/switch',
      { organizationId: otherOrganizationId },
    ],
    ['create an API key', 'POST', '/v1/orgs/api-keys', { name: 'stolen' }],
    ['promote a member to owner', 'PATCH', `/v1/orgs/members/${member.userId}`, { role: 'owner' }],
    [
      'invite an outsider as owner',
      'POST',
      '/v1/orgs/invitations',
      { email: uniqueEmail('outsider'), role: 'owner' },
    ],
    ['enroll TOTP', 'POST', '/v1/auth/totp/enroll', {}],
    ['log the owner out everywhere', 'POST', '/v1/auth/logout-all', {}],
    ['create an organization', 'POST', '/v1/orgs', { name: 'Squat' }],
    [
      'change the owner’s password',
      'POST',
      '/v1/auth/password/change',
      { currentPassword: 'x', newPassword: 'y'.repeat(12) },
    ],
  ];

  it.each([0, 1, 2, 3, 4, 5, 6, 7])(
    'refuses the probe’s request #%i with 403 and no tokens',
    async (index) => {
      const [what, method, path, json] = probe()[index]!;
      const response = await suite.api.call(method, path, { headers: asCode(owner.userId), json });

      expect({ what, status: response.status }).toEqual({ what, status: 403 });
      expect(response.body).toMatchObject({ code: 'FORBIDDEN' });
      expect(JSON.stringify(response.body)).not.toMatch(/accessToken|refreshToken|secret/);
    },
  );

  it('refuses a code on every non-public route of the table not open to codes, with or without x-user-id', async () => {
    // Read-mostly data-plane routes (recordings reads) list organization codes; all others refuse them.
    const routes = ROUTE_TABLE.filter(isRpcRoute).filter(
      (route) => route.auth !== 'public' && !acceptedCredentials(route).includes('organization-code'),
    );
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      for (const userId of [undefined, owner.userId, member.userId]) {
        const response = await suite.api.call(route.method, concretePath(route), {
          headers: asCode(userId),
          json: route.method === 'GET' ? undefined : {},
        });
        expect({ route: route.id, userId, status: response.status }).toEqual({
          route: route.id,
          userId,
          status: 403,
        });
      }
    }
  });

  it('lets a code read its organization’s recordings (seed 004) and nothing it may not write', async () => {
    const bearer = { token: owner.tokens.accessToken };
    const made = await suite.api.post<{ id: string }>('/v1/recordings', {
      ...bearer,
      json: { title: 'Seen by the code' },
    });
    expect(made.status).toBe(201);
    const listed = await suite.api.get<Items<{ id: string }>>('/v1/recordings', { headers: asCode() });
    expect({ status: listed.status, ids: listed.body.items.map((r) => r.id) }).toEqual({
      status: 200,
      ids: [made.body.id],
    });
    expect(
      (await suite.api.get(`/v1/status/${made.body.id}`, { headers: asCode(member.userId) })).status,
    ).toBe(200);
    const openToCodes = ROUTE_TABLE.filter(isRpcRoute).filter((route) =>
      acceptedCredentials(route).includes('organization-code'),
    );
    expect(openToCodes.map((route) => `${route.method} ${route.path}`).sort()).toEqual([
      'GET /v1/recordings',
      'GET /v1/recordings/:id',
      'GET /v1/recordings/:id/analysis',
      'GET /v1/status/:recordingId',
    ]);
  });

  it('left the owner, the members and the organizations as they were', async () => {
    const { api } = suite;
    const bearer = { token: owner.tokens.accessToken };
    // logout-all did not run: the owner's token still works.
    expect((await api.get('/v1/auth/profile', bearer)).status).toBe(200);
    const members = await api.get<Items<{ userId: string; role: string }>>('/v1/orgs/members', bearer);
    expect(members.body.items).toContainEqual(
      expect.objectContaining({ userId: member.userId, role: 'developer' }),
    );
    const keys = await api.get<Items<unknown>>('/v1/orgs/api-keys', bearer);
    expect(keys.body.items).toEqual([]);
    const invitations = await api.get<Items<unknown>>('/v1/orgs/invitations', bearer);
    expect(invitations.body.items).toEqual([]);
    const organizations = await api.get<Items<{ organization: { id: string } }>>('/v1/orgs', bearer);
    expect(organizations.body.items.map((m) => m.organization.id).sort()).toEqual(
      [owner.organizationId, otherOrganizationId].sort(),
    );
    // TOTP was not enrolled with the attacker's secret: the owner can still start their own enrollment
    // and their login is not asked for a second factor.
    const login = await api.post('/v1/auth/login', {
      json: { email: owner.email, password: owner.password },
    });
    expect(login.status).toBe(200);
    expect(login.body).not.toHaveProperty('mfaRequired', true);
  });

  it('gives no tokens on the public token routes either (a code is no refresh token)', async () => {
    const response = await suite.api.post('/v1/auth/refresh', {
      headers: asCode(owner.userId),
      json: { refreshToken: code },
    });
    expect(response.status).toBe(401);
    expect(response.body).not.toHaveProperty('accessToken');
  });

  it('authenticates the code (403, not 401) only with no x-user-id or a member’s; a non-member is refused', async () => {
    const { api } = suite;
    const outsider = await register(api, 'outsider');
    const call = (headers: Record<string, string>) => api.get('/v1/orgs/members', { headers });

    expect((await call(asCode())).status).toBe(403);
    expect((await call(asCode(member.userId))).status).toBe(403);
    const stranger = await call(asCode(outsider.userId));
    expect(stranger.status).toBe(401);
    expect(stranger.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    const unknownUser = await call(asCode(randomUUID()));
    expect(unknownUser.status).toBe(401);
    const wrongCode = await call({ 'x-organization-code': 'NOPE000000', 'x-user-id': owner.userId });
    expect(wrongCode.status).toBe(401);
  });

  it('replacing the code: the old one, cached at the gateway, stops at once; the new one works; a developer may not', async () => {
    const { api } = suite;
    const read = (headers: Record<string, string>) => api.get('/v1/recordings', { headers });
    // Used just now: the gateway holds the old code in its credential cache.
    expect((await read(asCode())).status).toBe(200);

    const byDeveloper = await api.post('/v1/orgs/code/rotate', { token: member.tokens.accessToken });
    expect([byDeveloper.status, byDeveloper.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await read(asCode())).status).toBe(200);

    const rotated = await api.post<{ code: string; plan: string }>('/v1/orgs/code/rotate', {
      token: owner.tokens.accessToken,
      headers: { 'idempotency-key': 'rotate-code-1' },
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body.code).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    const refused = await read(asCode());
    expect([refused.status, refused.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await read({ 'x-organization-code': rotated.body.code })).status).toBe(200);
    // The code itself cannot replace itself (a leaked code must not perpetuate itself).
    const byCode = await api.post('/v1/orgs/code/rotate', {
      headers: { 'x-organization-code': rotated.body.code },
    });
    expect(byCode.status).toBe(403);
  });
});

/** Any syntactically valid path of the route (ids that exist or not: the refusal comes first). */
function concretePath(route: RouteDefinition): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) =>
    name === 'provider' ? 'github' : randomUUID(),
  );
}
