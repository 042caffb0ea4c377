import { createHash } from 'node:crypto';

/** People type codes: case, spaces and dashes do not matter. */
export function normalizeOrganizationCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/**
 * The fingerprint of an organization code (SHA-256 of its normalized form, hex): what auth stores
 * instead of the code, and what names a replaced code's revocation marker, so the gateway can check
 * the code it holds without auth ever handing the code back.
 */
export function organizationCodeFingerprint(code: string): string {
  return createHash('sha256').update(normalizeOrganizationCode(code)).digest('hex');
}
