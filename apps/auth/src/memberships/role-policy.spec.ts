import { ROLES, type Role } from '@platform/contracts';
import { canChangeRole, canInvite, canRemove } from './role-policy';

describe('role policy', () => {
  const managers: Role[] = ['owner', 'admin'];
  const others: Role[] = ['developer', 'billing', 'viewer'];

  it('lets only owners and admins change roles, invite and remove others', () => {
    for (const actor of others) {
      expect(canChangeRole(actor, 'viewer', 'developer').allowed).toBe(false);
      expect(canInvite(actor, 'viewer').allowed).toBe(false);
      expect(canRemove(actor, 'viewer', false).allowed).toBe(false);
    }
    for (const actor of managers) {
      expect(canChangeRole(actor, 'viewer', 'developer').allowed).toBe(true);
      expect(canInvite(actor, 'viewer').allowed).toBe(true);
      expect(canRemove(actor, 'viewer', false).allowed).toBe(true);
    }
  });

  it('reserves the owner role to owners: grant, change, remove, invite', () => {
    expect(canChangeRole('owner', 'admin', 'owner').allowed).toBe(true);
    expect(canChangeRole('admin', 'developer', 'owner')).toEqual({
      allowed: false,
      reason: 'Only an owner can grant the owner role',
    });
    expect(canChangeRole('admin', 'owner', 'viewer').allowed).toBe(false);
    expect(canRemove('admin', 'owner', false).allowed).toBe(false);
    expect(canRemove('owner', 'owner', false).allowed).toBe(true);
    expect(canInvite('admin', 'owner').allowed).toBe(false);
    expect(canInvite('owner', 'owner').allowed).toBe(true);
  });

  it('lets anyone leave (the last-owner rule is the service’s, against the live count)', () => {
    for (const role of ROLES) expect(canRemove(role, role, true).allowed).toBe(true);
  });
});
