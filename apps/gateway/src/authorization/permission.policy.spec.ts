import { PERMISSIONS, ROLES, type Permission, type Principal, type Role } from '@platform/contracts';
import { ForbiddenError, UnauthenticatedError } from '@platform/errors';
import { authorize } from './permission.policy';

/**
 * The intended matrix, written out by hand (never derived from `ROLE_PERMISSIONS`, so a wrong entry
 * there fails this test): owner everything; admin all but `org:delete` and `billing:write`;
 * developer every read but `billing:read`, plus building; billing the organization, members,
 * billing and analytics; viewer every read but `billing:read` and `api-keys:read`.
 */
// prettier-ignore
const EXPECTED: Record<Permission, Record<Role, 'allow' | 'deny'>> = {
  //                       owner            admin            developer            billing            viewer
  'org:read':            { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'allow',  viewer: 'allow' },
  'org:update':          { owner: 'allow',  admin: 'allow',  developer: 'deny',   billing: 'deny',   viewer: 'deny' },
  'org:delete':          { owner: 'allow',  admin: 'deny',   developer: 'deny',   billing: 'deny',   viewer: 'deny' },
  'members:read':        { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'allow',  viewer: 'allow' },
  'members:invite':      { owner: 'allow',  admin: 'allow',  developer: 'deny',   billing: 'deny',   viewer: 'deny' },
  'members:update-role': { owner: 'allow',  admin: 'allow',  developer: 'deny',   billing: 'deny',   viewer: 'deny' },
  'members:remove':      { owner: 'allow',  admin: 'allow',  developer: 'deny',   billing: 'deny',   viewer: 'deny' },
  'api-keys:read':       { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'deny',   viewer: 'deny' },
  'api-keys:write':      { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'deny',   viewer: 'deny' },
  'billing:read':        { owner: 'allow',  admin: 'allow',  developer: 'deny',   billing: 'allow',  viewer: 'deny' },
  'billing:write':       { owner: 'allow',  admin: 'deny',   developer: 'deny',   billing: 'allow',  viewer: 'deny' },
  'recordings:read':     { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'deny',   viewer: 'allow' },
  'recordings:write':    { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'deny',   viewer: 'deny' },
  'recordings:delete':   { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'deny',   viewer: 'deny' },
  'storage:read':        { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'deny',   viewer: 'allow' },
  'storage:write':       { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'deny',   viewer: 'deny' },
  'voice:use':           { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'deny',   viewer: 'deny' },
  'campaigns:read':      { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'deny',   viewer: 'allow' },
  'campaigns:write':     { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'deny',   viewer: 'deny' },
  'analytics:read':      { owner: 'allow',  admin: 'allow',  developer: 'allow',  billing: 'allow',  viewer: 'allow' },
};

describe('authorize', () => {
  const principal = (overrides: Partial<Principal> = {}): Principal => ({
    kind: 'user',
    userId: 'u',
    organizationId: 'o',
    roles: ['viewer'],
    scopes: [],
    apiKeyId: null,
    ...overrides,
  });

  it('has a hand-written expectation for exactly the declared roles and permissions', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...PERMISSIONS].sort());
    for (const row of Object.values(EXPECTED)) expect(Object.keys(row).sort()).toEqual([...ROLES].sort());
  });

  it('follows the hand-written matrix for every role and permission', () => {
    const outcome = (role: Role, permission: Permission): 'allow' | 'deny' => {
      try {
        authorize(permission, principal({ roles: [role] }));
        return 'allow';
      } catch (error) {
        expect(error).toBeInstanceOf(ForbiddenError);
        return 'deny';
      }
    };
    const actual = Object.fromEntries(
      PERMISSIONS.map((permission) => [
        permission,
        Object.fromEntries(ROLES.map((role) => [role, outcome(role, permission)])),
      ]),
    );
    // One comparison of the whole table, so a failure names every wrong cell at once.
    expect(actual).toEqual(EXPECTED);
  });

  it('lets public routes through without a principal, and nothing else', () => {
    expect(() => authorize('public', null)).not.toThrow();
    expect(() => authorize('authenticated', null)).toThrow(UnauthenticatedError);
    expect(() => authorize('authenticated', principal({ roles: [] }))).not.toThrow();
  });

  it('bounds an API key by its scopes when it has some', () => {
    const key = principal({ kind: 'api-key', roles: ['admin'], apiKeyId: 'k', userId: null });
    expect(() => authorize('members:read', key)).not.toThrow();
    expect(() => authorize('members:read', { ...key, scopes: ['members:read'] })).not.toThrow();
    expect(() => authorize('api-keys:write', { ...key, scopes: ['members:read'] })).toThrow(/scopes/);
  });
});
