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

const READ_ALL: Permission[] = PERMISSIONS.filter((p) => p.endsWith(':read'));
const BUILD: Permission[] = [
  'recordings:write',
  'recordings:delete',
  'storage:write',
  'voice:use',
  'campaigns:write',
  'api-keys:write',
];

/** The permission matrix. Owner can do everything; admin all but deleting the org and billing writes. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(PERMISSIONS.filter((p) => p !== 'org:delete' && p !== 'billing:write')),
  developer: new Set([...READ_ALL.filter((p) => p !== 'billing:read'), ...BUILD]),
  billing: new Set<Permission>([
    'org:read',
    'members:read',
    'billing:read',
    'billing:write',
    'analytics:read',
  ]),
  viewer: new Set(READ_ALL.filter((p) => p !== 'billing:read' && p !== 'api-keys:read')),
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

export function rolesHavePermission(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => roleHasPermission(role, permission));
}
