import { ROLES, type Permission, type Role } from '@platform/contracts';
import { RpcClient } from '@platform/messaging';
import { seedOrganization } from '@platform/testing';
import { ROUTE_TABLE } from '../apps/gateway/src/routes/route-table';
import { isRpcRoute, type RpcRouteDefinition } from '../apps/gateway/src/routes/route-definition';
import { addMember, uniqueEmail, type Account } from './support/accounts';
import { readyRecording } from './support/recordings';
import type { ApiClient } from './support/api-client';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

/** What a route call needs beyond the caller: path parameters and a body. */
interface CallSpec {
  params?: Record<string, string>;
  json?: unknown;
}

interface FixtureContext {
  api: ApiClient;
  owner: Account;
  /** A recording of the organization (a target that a destructive call may consume). */
  freshRecording(): Promise<string>;
  /** A READY recording (its analysis exists). */
  readyRecording(): Promise<string>;
  /** A fresh member of the organization (a target that a destructive call may consume). */
  freshMember(): Promise<Account>;
}

/**
 * For every permission-bearing route: a valid request, built fresh per call so that destructive
 * calls (remove, revoke) always have something to act on. A route added to the table without a
 * fixture fails the first test below.
 */
const FIXTURES: Record<string, (ctx: FixtureContext) => Promise<CallSpec>> = {
  'members.list': async () => ({}),
  'members.changeRole': async ({ freshMember }) => ({
    params: { userId: (await freshMember()).userId },
    json: { role: 'developer' },
  }),
  'members.remove': async ({ freshMember }) => ({ params: { userId: (await freshMember()).userId } }),
  'invitations.create': async () => ({ json: { email: uniqueEmail('invitee'), role: 'viewer' } }),
  'invitations.list': async () => ({}),
  'invitations.revoke': async ({ api, owner }) => {
    const created = await api.post<{ invitation: { id: string } }>('/v1/orgs/invitations', {
      token: owner.tokens.accessToken,
      json: { email: uniqueEmail('revokable'), role: 'viewer' },
    });
    return { params: { invitationId: created.body.invitation.id } };
  },
  'apiKeys.create': async () => ({ json: { name: 'matrix key' } }),
  'apiKeys.list': async () => ({}),
  'apiKeys.revoke': async ({ api, owner }) => {
    const created = await api.post<{ apiKey: { id: string } }>('/v1/orgs/api-keys', {
      token: owner.tokens.accessToken,
      json: { name: 'revokable key' },
    });
    return { params: { apiKeyId: created.body.apiKey.id } };
  },
  'recordings.create': async () => ({ json: { title: 'Matrix recording' } }),
  'recordings.list': async () => ({}),
  'recordings.get': async ({ freshRecording }) => ({ params: { id: await freshRecording() } }),
  'recordings.update': async ({ freshRecording }) => ({
    params: { id: await freshRecording() },
    json: { tags: ['matrix'] },
  }),
  'recordings.delete': async ({ freshRecording }) => ({ params: { id: await freshRecording() } }),
  'recordings.analysis': async ({ readyRecording }) => ({ params: { id: await readyRecording() } }),
  'recordings.status': async ({ freshRecording }) => ({ params: { recordingId: await freshRecording() } }),
};

/**
 * THE EXPECTATION, written out by hand from the intended matrix (docs/SECURITY.md "Roles"), never
 * derived from `ROLE_PERMISSIONS`: owner everything; admin all but deleting the organization and
 * billing writes; developer every read but billing plus building (API keys included); billing the
 * organization, its members, billing and analytics; viewer every read but billing and API keys.
 * `pass` = the route's success status, `403` = refused with FORBIDDEN problem+json.
 */
type Outcome = 'pass' | '403';
type Row = readonly [
  routeId: string,
  permission: Permission,
  owner: Outcome,
  admin: Outcome,
  developer: Outcome,
  billing: Outcome,
  viewer: Outcome,
];
// prettier-ignore
const EXPECTED_ROWS: readonly Row[] = [
  //  route                  permission              owner   admin   developer billing viewer
  ['members.list',         'members:read',         'pass',  'pass',  'pass',    'pass',  'pass'],
  ['members.changeRole',   'members:update-role',  'pass',  'pass',  '403',     '403',   '403'],
  ['members.remove',       'members:remove',       'pass',  'pass',  '403',     '403',   '403'],
  ['invitations.create',   'members:invite',       'pass',  'pass',  '403',     '403',   '403'],
  ['invitations.list',     'members:invite',       'pass',  'pass',  '403',     '403',   '403'],
  ['invitations.revoke',   'members:invite',       'pass',  'pass',  '403',     '403',   '403'],
  ['apiKeys.create',       'api-keys:write',       'pass',  'pass',  'pass',    '403',   '403'],
  ['apiKeys.list',         'api-keys:read',        'pass',  'pass',  'pass',    '403',   '403'],
  ['apiKeys.revoke',       'api-keys:write',       'pass',  'pass',  'pass',    '403',   '403'],
  ['recordings.create',    'recordings:write',     'pass',  'pass',  'pass',    '403',   '403'],
  ['recordings.list',      'recordings:read',      'pass',  'pass',  'pass',    '403',   'pass'],
  ['recordings.get',       'recordings:read',      'pass',  'pass',  'pass',    '403',   'pass'],
  ['recordings.update',    'recordings:write',     'pass',  'pass',  'pass',    '403',   '403'],
  ['recordings.delete',    'recordings:delete',    'pass',  'pass',  'pass',    '403',   '403'],
  ['recordings.analysis',  'recordings:read',      'pass',  'pass',  'pass',    '403',   'pass'],
  ['recordings.status',    'recordings:read',      'pass',  'pass',  'pass',    '403',   'pass'],
];
const EXPECTED = Object.fromEntries(
  EXPECTED_ROWS.map(([routeId, permission, owner, admin, developer, billing, viewer]) => [
    routeId,
    { permission, outcomes: { owner, admin, developer, billing, viewer } as Record<Role, Outcome> },
  ]),
);

// RPC routes; stream routes are authorized by the same admission and get their own tests.
const PERMISSION_ROUTES = ROUTE_TABLE.filter(isRpcRoute).filter(
  (route): route is RpcRouteDefinition & { auth: Permission } =>
    route.auth !== 'public' && route.auth !== 'authenticated',
);

function pathOf(route: RpcRouteDefinition, params: Record<string, string> = {}): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`fixture of ${route.id} gives no ${name}`);
    return params[name]!;
  });
}

describe('role × permission matrix over every permission-bearing route (whole platform)', () => {
  const suite = usePlatform(GENEROUS_LIMITS);
  let members: Record<Role, Account>;
  let ctx: FixtureContext;

  beforeAll(async () => {
    const { api, platform } = suite;
    // ENTERPRISE: the matrix creates more API keys than a FREE plan may hold at once.
    const seeded = await seedOrganization(platform.gateway.app.get(RpcClient), platform.mail, {
      label: 'matrix',
      plan: 'ENTERPRISE',
    });
    members = seeded.members;
    const owner = seeded.owner;
    const freshRecording = async () => {
      const created = await api.post<{ id: string }>('/v1/recordings', {
        token: owner.tokens.accessToken,
        json: { title: 'Matrix target' },
      });
      return created.body.id;
    };
    ctx = {
      api,
      owner,
      freshMember: () => addMember(api, platform.mail, owner, 'viewer'),
      freshRecording,
      readyRecording: () => readyRecording(api, platform, owner),
    };
  }, 60_000);

  it('has a fixture and a hand-written expectation for exactly the permission-bearing routes of the table', () => {
    const routeIds = PERMISSION_ROUTES.map((route) => route.id).sort();
    expect(Object.keys(FIXTURES).sort()).toEqual(routeIds);
    expect(Object.keys(EXPECTED).sort()).toEqual(routeIds);
  });

  it('guards each route with the permission the expectation was written for', () => {
    const declared = Object.fromEntries(PERMISSION_ROUTES.map((route) => [route.id, route.auth]));
    const expected = Object.fromEntries(Object.entries(EXPECTED).map(([id, row]) => [id, row.permission]));
    expect(declared).toEqual(expected);
  });

  describe.each(
    PERMISSION_ROUTES.map((route) => [`${route.method} ${route.path} (${route.auth})`, route] as const),
  )('%s', (_name, route) => {
    it.each(
      ROLES.map((role) => {
        const allowed = EXPECTED[route.id]!.outcomes[role] === 'pass';
        return [role, allowed ? String(route.success.status) : '403 FORBIDDEN', allowed] as const;
      }),
    )('%s → %s', async (role, _expected, allowed) => {
      const spec = await FIXTURES[route.id]!(ctx);
      const response = await suite.api.call(route.method, pathOf(route, spec.params), {
        token: members[role].tokens.accessToken,
        json: spec.json,
      });

      if (allowed) {
        expect({ role, status: response.status, body: response.body }).toMatchObject({
          role,
          status: route.success.status,
        });
      } else {
        expect({ role, status: response.status }).toEqual({ role, status: 403 });
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body).toMatchObject({ code: 'FORBIDDEN' });
      }
    });
  });
});
