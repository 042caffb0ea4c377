import type { Role } from './roles';

/** Permissions are `<resource>:<action>`; routes declare the one they need. */
export const PERMISSIONS = [
  'org:read',
  'org:update',
  'org:delete',
  'members:read',
  'members:invite',
  'members:update-role',
  'members:remove',
  'api-keys:read',
  'api-keys:write',
  'billing:read',
  'billing:write',
  'recordings:read',
  'recordings:write',
  'recordings:delete',
  'storage:read',
  'storage:write',
  'voice:use',
  'campaigns:read',
  'campaigns:write',
  'analytics:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Every `:read` permission; built on call (see ROLE_PERMISSIONS for why nothing here is eager). */
function readAll(): Permission[] {
  return PERMISSIONS.filter((p) => p.endsWith(':read'));
}

/** What a developer builds with, besides reading. */
function buildPermissions(): Permission[] {
  return [
    'recordings:write',
    'recordings:delete',
    'storage:write',
    'voice:use',
    'campaigns:write',
    'api-keys:write',
  ];
}

/**
 * The permission matrix. Owner can do everything; admin all but deleting the org and billing writes.
 *
 * Each row is a getter that builds its set when read, not a value built at import. The cost is a
 * few microseconds per lookup; the gain is that the mutation gate can tell which tests cover each
 * entry (an import-time value makes every mutant of the matrix "static": Stryker must then rerun
 * every spec in a fresh Jest for each one, which was two thirds of a full run).
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = Object.freeze({
  get owner(): ReadonlySet<Permission> {
    return new Set(PERMISSIONS);
  },
  get admin(): ReadonlySet<Permission> {
    return new Set(PERMISSIONS.filter((p) => p !== 'org:delete' && p !== 'billing:write'));
  },
  get developer(): ReadonlySet<Permission> {
    return new Set([...readAll().filter((p) => p !== 'billing:read'), ...buildPermissions()]);
  },
  get billing(): ReadonlySet<Permission> {
    return new Set<Permission>([
      'org:read',
      'members:read',
      'billing:read',
      'billing:write',
      'analytics:read',
    ]);
  },
  get viewer(): ReadonlySet<Permission> {
    return new Set(readAll().filter((p) => p !== 'billing:read' && p !== 'api-keys:read'));
  },
});

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

export function rolesHavePermission(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => roleHasPermission(role, permission));
}
