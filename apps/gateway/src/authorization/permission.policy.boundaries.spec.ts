import type { Principal } from '@platform/contracts';
import { ForbiddenError, UnauthenticatedError } from '@platform/errors';
import { authorize } from './permission.policy';

/** Expectations written out by hand (not read from ROLE_PERMISSIONS): see permissions.matrix.spec.ts. */
describe('authorize, at its edges', () => {
  const user = (overrides: Partial<Principal> = {}): Principal => ({
    kind: 'user',
    userId: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    organizationId: 'o1',
    roles: ['viewer'],
    scopes: [],
    apiKeyId: null,
    ...overrides,
  });

  it('refuses admin the organization delete and billing writes, with the permission named', () => {
    expect(() => authorize('org:delete', user({ roles: ['admin'] }))).toThrow(ForbiddenError);
    expect(() => authorize('org:delete', user({ roles: ['admin'] }))).toThrow(
      'This needs the "org:delete" permission, which your role does not grant',
    );
    expect(() => authorize('billing:write', user({ roles: ['admin'] }))).toThrow(ForbiddenError);
    expect(() => authorize('org:delete', user({ roles: ['owner'] }))).not.toThrow();
  });

  it('refuses a viewer member removal, and lets billing write billing', () => {
    expect(() => authorize('members:remove', user({ roles: ['viewer'] }))).toThrow(ForbiddenError);
    expect(() => authorize('billing:write', user({ roles: ['billing'] }))).not.toThrow();
  });

  it('grants a multi-role principal the union of its roles, and nothing beyond', () => {
    const both = user({ roles: ['viewer', 'billing'] });
    expect(() => authorize('billing:write', both)).not.toThrow();
    expect(() => authorize('recordings:read', both)).not.toThrow();
    expect(() => authorize('recordings:write', both)).toThrow(ForbiddenError);
    expect(() => authorize('api-keys:read', both)).toThrow(ForbiddenError);
  });

  it('refuses a principal without roles every permission, but not the authenticated-only routes', () => {
    expect(() => authorize('org:read', user({ roles: [] }))).toThrow(ForbiddenError);
    expect(() => authorize('authenticated', user({ roles: [] }))).not.toThrow();
  });

  it('authorizes an organization code principal (no user) by its role alone', () => {
    const code = user({ kind: 'organization-code', userId: null, roles: ['viewer'] });
    expect(() => authorize('recordings:read', code)).not.toThrow();
    expect(() => authorize('members:remove', code)).toThrow(ForbiddenError);
    expect(() => authorize('authenticated', code)).not.toThrow();
  });

  it('asks for authentication, not a permission, when there is no principal', () => {
    expect(() => authorize('org:read', null)).toThrow(UnauthenticatedError);
    expect(() => authorize('org:read', null)).not.toThrow(ForbiddenError);
  });

  it('lets an API key act with its role when it has no scopes, and within its scopes only when it has', () => {
    const key = user({ kind: 'api-key', userId: null, apiKeyId: 'k1', roles: ['developer'] });
    expect(() => authorize('recordings:write', key)).not.toThrow();
    expect(() => authorize('recordings:write', { ...key, scopes: ['recordings:write'] })).not.toThrow();
    expect(() => authorize('recordings:write', { ...key, scopes: ['recordings:read'] })).toThrow(
      `This API key's scopes do not include "recordings:write"`,
    );
    // A scope never widens the role: the role check comes first.
    expect(() => authorize('members:remove', { ...key, scopes: ['members:remove'] })).toThrow(
      /permission, which your role does not grant/,
    );
  });

  it('ignores scopes on a principal that is not an API key', () => {
    expect(() => authorize('recordings:read', user({ scopes: ['storage:read'] }))).not.toThrow();
  });
});
