import type { IncomingHttpHeaders } from 'node:http';
import { UnauthenticatedError } from '@platform/errors';

/** The one credential a request carries. */
export type Credential =
  | { kind: 'bearer'; token: string }
  | { kind: 'api-key'; key: string }
  | { kind: 'organization-code'; code: string; userId?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_CREDENTIAL_LENGTH = 8192;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const single = Array.isArray(value) ? value[0] : value;
  const trimmed = single?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Reads the credential from `Authorization: Bearer`, `x-api-key` or `x-organization-code` (+ optional
 * `x-user-id`). Exactly one is accepted: a request with two could otherwise be judged by one and
 * logged or limited by the other.
 */
export function readCredential(headers: IncomingHttpHeaders): Credential {
  const authorization = header(headers, 'authorization');
  const apiKey = header(headers, 'x-api-key');
  const code = header(headers, 'x-organization-code');
  const userId = header(headers, 'x-user-id');

  const present = [authorization, apiKey, code].filter((value) => value !== undefined);
  if (present.length === 0) {
    throw new UnauthenticatedError(
      'Send a bearer token (Authorization), an API key (x-api-key) or an organization code (x-organization-code)',
    );
  }
  if (present.length > 1) throw new UnauthenticatedError('Send exactly one credential');
  if (present[0]!.length > MAX_CREDENTIAL_LENGTH)
    throw new UnauthenticatedError('The credential is too long');

  // x-user-id only means something beside a code (it attributes the code's request to a member);
  // beside a token or key it would be silently ignored, which hides client mistakes.
  if (userId !== undefined && code === undefined) {
    throw new UnauthenticatedError('x-user-id is only accepted together with x-organization-code');
  }
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <access token>"');
    return { kind: 'bearer', token: match[1]! };
  }
  if (apiKey !== undefined) return { kind: 'api-key', key: apiKey };
  if (userId !== undefined && !UUID.test(userId)) throw new UnauthenticatedError('x-user-id must be a UUID');
  return userId === undefined
    ? { kind: 'organization-code', code: code! }
    : { kind: 'organization-code', code: code!, userId };
}
