import type { Principal } from '@platform/contracts';
import { ForbiddenError } from '@platform/errors';
import { admitCredential } from './credential.policy';

const principal = (kind: Principal['kind']): Principal => ({
  kind,
  userId: kind === 'user' ? '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' : null,
  organizationId: 'f0e1d2c3-b4a5-4968-8776-655443322110',
  roles: ['owner'],
  scopes: [],
  apiKeyId: kind === 'api-key' ? 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' : null,
});

describe('admitCredential', () => {
  it('lets in only the kinds of credential the route lists, whatever the role', () => {
    expect(() => admitCredential('members:read', ['user'], principal('user'))).not.toThrow();
    expect(() => admitCredential('members:read', ['user'], principal('organization-code'))).toThrow(
      ForbiddenError,
    );
    expect(() => admitCredential('authenticated', ['user'], principal('api-key'))).toThrow(/API key/);
    expect(() => admitCredential('authenticated', ['user'], principal('system'))).toThrow(ForbiddenError);
    expect(() =>
      admitCredential('authenticated', ['user', 'organization-code'], principal('organization-code')),
    ).not.toThrow();
  });

  it('has nothing to say on public routes or without a principal (authorization answers 401 then)', () => {
    expect(() => admitCredential('public', ['user'], principal('organization-code'))).not.toThrow();
    expect(() => admitCredential('authenticated', ['user'], null)).not.toThrow();
  });

  // The 403 detail is the one place a developer learns which credential to send instead.
  it.each([
    [
      'organization-code',
      ['user', 'api-key'],
      'This route does not accept an organization code; it accepts a user access token or an API key',
    ],
    ['system', ['user'], 'This route does not accept a platform credential; it accepts a user access token'],
    [
      'user',
      ['api-key', 'organization-code'],
      'This route does not accept a user access token; it accepts an API key or an organization code',
    ],
  ] as const)('refuses %s on a route for %j with the detail %j', (kind, accepted, detail) => {
    expect(() => admitCredential('authenticated', accepted, principal(kind))).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: detail }),
    );
  });
});
