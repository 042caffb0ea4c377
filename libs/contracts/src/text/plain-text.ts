import { z } from 'zod';

/**
 * Characters a single-line name never legitimately holds:
 * - C0 controls (U+0000–U+001F, tab and line breaks included), DEL and the C1 controls
 *   (U+007F–U+009F): NUL is refused by PostgreSQL (a 500 before this check existed), the rest are
 *   terminal escapes and header/log/mail line injection;
 * - U+2028 / U+2029 (line and paragraph separators: line breaks for JavaScript and many renderers);
 * - bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make displayed text
 *   read differently from what is stored (spoofed names in invitations and member lists).
 * Right-to-left scripts need none of these: the Unicode bidi algorithm lays them out on its own.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_IN_PLAIN_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** A UTF-16 surrogate half without its partner cannot be encoded as UTF-8 (it would be stored as U+FFFD). */
const UNPAIRED_SURROGATE = /(?:[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/;

export const PLAIN_TEXT_MESSAGE =
  'must be plain single-line text: no control characters, line breaks, bidirectional overrides or unpaired surrogates';

/** True when `value` holds none of the characters `plainText()` refuses. */
export function isPlainText(value: string): boolean {
  return !FORBIDDEN_IN_PLAIN_TEXT.test(value) && !UNPAIRED_SURROGATE.test(value);
}

/**
 * A trimmed, single-line, human-readable string (names of people, organizations, API keys...):
 * every free-text field of a contract uses it, so bad characters are a 400 VALIDATION_FAILED at the
 * edge instead of a database error or a spoofed display further in.
 */
export function plainText({ min = 1, max }: { min?: number; max: number }) {
  return z.string().trim().min(min).max(max).refine(isPlainText, { message: PLAIN_TEXT_MESSAGE });
}
