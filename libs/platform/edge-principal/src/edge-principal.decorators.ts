import {
  applyDecorators,
  createParamDecorator,
  UseFilters,
  UseGuards,
  type ExecutionContext,
} from '@nestjs/common';
import type { Principal } from '@platform/contracts';
import { EdgePrincipalInvalidError } from './edge-principal.error';
import { EDGE_PRINCIPAL_REQUEST_KEY, EdgePrincipalGuard, type EdgeRequest } from './edge-principal.guard';
import { EdgeProblemFilter } from './edge-problem.filter';

/**
 * On a controller or handler of a service's internal HTTP port: only requests the gateway signed
 * for this service, method and path get through (401 EDGE_PRINCIPAL_INVALID otherwise), and errors
 * are answered as problem+json. Needs `EdgePrincipalModule.forRoot(...)` in the module.
 */
export function EdgeAuthenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(EdgePrincipalGuard), UseFilters(EdgeProblemFilter));
}

/** The verified principal of an `@EdgeAuthenticated()` request (never a client-set header). */
export const EdgePrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return edgePrincipalOf(context.switchToHttp().getRequest<EdgeRequest>());
});

/** The verified principal of a request that passed the guard; throws if it did not. */
export function edgePrincipalOf(request: EdgeRequest): Principal {
  const principal = request[EDGE_PRINCIPAL_REQUEST_KEY];
  if (!principal) throw new EdgePrincipalInvalidError('handler not behind @EdgeAuthenticated()');
  return principal;
}
