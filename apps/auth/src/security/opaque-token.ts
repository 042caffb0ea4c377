import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** A high-entropy bearer secret (refresh, reset, invitation, MFA tokens): 256 bits, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Bearer secrets are stored as SHA-256: they carry 256 bits of entropy, so a fast hash is enough
 * (no dictionary to attack) and lookups stay a single indexed equality.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `length` characters drawn uniformly from `alphabet` (rejection-free via crypto.randomInt). */
export function randomString(length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Upper-case letters and digits without look-alikes (0/O, 1/I/L): for codes people type. */
export const HUMAN_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
