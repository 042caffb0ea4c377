import { rolesHavePermission, type Principal } from '@platform/contracts';
import { ForbiddenError, UnauthenticatedError } from '@platform/errors';
import type { RouteAuth } from '../routes/route-definition';

/**
 * The route's requirement against the principal, by the permission matrix of the contracts. An API
 * key is further bounded by its scopes when it has any (a key made with no scopes acts with its
 * role's permissions).
 */
export function authorize(requirement: RouteAuth, principal: Principal | null): void {
  if (requirement === 'public') return;
  if (!principal) throw new UnauthenticatedError();
  if (requirement === 'authenticated') return;
  if (!rolesHavePermission(principal.roles, requirement)) {
    throw new ForbiddenError(`This needs the "${requirement}" permission, which your role does not grant`);
  }
  if (principal.apiKeyId && principal.scopes.length > 0 && !principal.scopes.includes(requirement)) {
    throw new ForbiddenError(`This API key's scopes do not include "${requirement}"`);
  }
}
