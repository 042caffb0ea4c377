import type { Role } from '@platform/contracts';

/**
 * Who may change whom, as pure rules (unit-tested beside this file). The invariants:
 * - only owners and admins manage members;
 * - only an owner can make someone an owner;
 * - admins cannot touch owners (change their role, remove them, invite or revoke owner invitations);
 * - an organization always keeps at least one owner (checked by the service against the count).
 */
export type RoleDecision = { allowed: true } | { allowed: false; reason: string };

const deny = (reason: string): RoleDecision => ({ allowed: false, reason });
const ALLOW: RoleDecision = { allowed: true };

export function canManageMembers(actor: Role): boolean {
  return actor === 'owner' || actor === 'admin';
}

export function canChangeRole(actor: Role, targetCurrent: Role, next: Role): RoleDecision {
  if (!canManageMembers(actor)) return deny('Only owners and admins can change roles');
  if (targetCurrent === 'owner' && actor !== 'owner') return deny('Only an owner can change an owner');
  if (next === 'owner' && actor !== 'owner') return deny('Only an owner can grant the owner role');
  return ALLOW;
}

export function canRemove(actor: Role, target: Role, removingSelf: boolean): RoleDecision {
  if (removingSelf) return ALLOW;
  if (!canManageMembers(actor)) return deny('Only owners and admins can remove members');
  if (target === 'owner' && actor !== 'owner') return deny('Only an owner can remove an owner');
  return ALLOW;
}

export function canInvite(actor: Role, role: Role): RoleDecision {
  if (!canManageMembers(actor)) return deny('Only owners and admins can invite members');
  if (role === 'owner' && actor !== 'owner') return deny('Only an owner can invite an owner');
  return ALLOW;
}
