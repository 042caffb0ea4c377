import { resolve, sep } from 'node:path';
import { BadRequestError } from '../shared/storage.errors';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** `<organizationId>/<objectId>`: both server-generated uuids, nothing from a client path. */
const STORAGE_KEY = new RegExp(`^${UUID}/${UUID}$`);

export function storageKeyOf(organizationId: string, objectId: string): string {
  return assertStorageKey(`${organizationId}/${objectId}`);
}

/** Refuses anything that is not a key this service generated (`..`, absolute paths, NUL, ...). */
export function assertStorageKey(key: string): string {
  if (!STORAGE_KEY.test(key)) throw new BadRequestError('Not a storage key');
  return key;
}

/**
 * The file of `key` under `root`. The key is checked first; the resolved path must still be inside
 * `root` (defence in depth should the key format ever loosen).
 */
export function pathUnder(root: string, key: string): string {
  const base = resolve(root);
  const full = resolve(base, assertStorageKey(key));
  if (!full.startsWith(base + sep)) throw new BadRequestError('Not a storage key');
  return full;
}
