import { BASE62, randomString } from '../security/opaque-token';

const PREFIX_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = /^pk_([0-9a-z]{8})_([0-9A-Za-z]{40})$/;

/**
 * `pk_<prefix>_<secret>`: the `pk_` marker lets secret scanners (and people) recognise a leaked key,
 * the 8-character prefix identifies it in lists, the 40 base62 characters (~238 bits) are the secret.
 */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomString(8, PREFIX_ALPHABET);
  return { key: `pk_${prefix}_${randomString(40, BASE62)}`, prefix };
}

export function isWellFormedApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}
