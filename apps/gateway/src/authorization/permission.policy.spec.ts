import { PERMISSIONS, ROLES, ROLE_PERMISSIONS, type Principal } from '@platform/contracts';
import { ForbiddenError, UnauthenticatedError } from '@platform/errors';
import { authorize } from './permission.policy';

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

  it('follows the permission matrix for every role and permission', () => {
    for (const role of ROLES) {
      for (const permission of PERMISSIONS) {
        const allowed = ROLE_PERMISSIONS[role].has(permission);
        const attempt = () => authorize(permission, principal({ roles: [role] }));
        if (allowed) expect(attempt).not.toThrow();
        else expect(attempt).toThrow(ForbiddenError);
      }
    }
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
