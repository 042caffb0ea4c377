import type { Principal } from '@platform/contracts';
import { ForbiddenError } from '@platform/errors';
import type { RouteAuth, RouteCredential } from '../routes/route-definition';

const NAMES: Record<Principal['kind'], string> = {
  user: 'a user access token',
  'api-key': 'an API key',
  'organization-code': 'an organization code',
  system: 'a platform credential',
};

/**
 * Whether the kind of credential the caller used is one the route accepts. Checked before the
 * permission: an organization code's role, or an API key's, never opens a route meant for people
 * (account and organization management), whatever that role would allow.
 */
export function admitCredential(
  requirement: RouteAuth,
  accepted: readonly RouteCredential[],
  principal: Principal | null,
): void {
  if (requirement === 'public' || !principal) return;
  if (!(accepted as readonly string[]).includes(principal.kind)) {
    throw new ForbiddenError(
      `This route does not accept ${NAMES[principal.kind]}; it accepts ${accepted.map((kind) => NAMES[kind as RouteCredential]).join(' or ')}`,
    );
  }
}
