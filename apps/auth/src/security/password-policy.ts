import { ValidationError } from '@platform/errors';

/**
 * NIST SP 800-63B: length (enforced by the contract schema, 10+) plus a blocklist of passwords known
 * from breaches, instead of composition rules. This is the head of the public breached-password
 * lists restricted to 10+ characters; anything derived from the account's own email is refused too.
 */
const COMMON_PASSWORDS = new Set([
  '1234567890',
  '0987654321',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  '123456789a',
  'a123456789',
  '12345678910',
  '1234567890a',
  'qwertyuiop',
  'qwertyuiop123',
  'asdfghjkl1',
  'zxcvbnm123',
  'password12',
  'password123',
  'password1234',
  'password!1',
  'passw0rd123',
  'p@ssw0rd123',
  'iloveyou12',
  'iloveyou123',
  'football123',
  'baseball123',
  'welcome123',
  'welcome1234',
  'letmein123',
  'sunshine123',
  'princess123',
  'dragon1234',
  'monkey1234',
  'superman123',
  'trustno1234',
  'administrator',
  'admin12345',
  'adminadmin',
  'changeme123',
  'qwerty12345',
  'qwerty123456',
  '11111111111',
  '0000000000',
  '1111111111',
  '123123123123',
  'abcdefghij',
  'abc1234567',
  'abcd123456',
  'michael123',
  'jennifer123',
  'computer123',
  'internet123',
  'starwars123',
  'whatever123',
]);

/** Throws VALIDATION_FAILED naming `field` when the password is on the blocklist or derived from the email. */
export function assertAcceptablePassword(password: string, email: string | undefined, field: string): void {
  const normalized = password.toLowerCase();
  const localPart = email?.split('@')[0]?.toLowerCase();
  const reason = COMMON_PASSWORDS.has(normalized)
    ? 'is too common (found in breached-password lists)'
    : email &&
        (normalized === email.toLowerCase() ||
          (localPart && localPart.length >= 4 && normalized.includes(localPart)))
      ? 'must not contain your email address'
      : /^(.)\1+$/.test(password)
        ? 'must not be a single repeated character'
        : undefined;
  if (reason) {
    throw new ValidationError([{ path: field, code: 'weak_password', message: `Password ${reason}` }]);
  }
}
