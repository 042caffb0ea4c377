import {
  applyDecorators,
  Injectable,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { rolesHavePermission, type Permission } from '@platform/contracts';
import { edgePrincipalOf, EdgePrincipalGuard, type EdgeRequest } from '@platform/edge-principal';
import { ForbiddenError } from '@platform/errors';

export { EdgePrincipal } from '@platform/edge-principal';

const PERMISSION = 'storage:edge-permission';

/**
 * After `@platform/edge-principal`'s guard verified the gateway-signed principal: it must act in an
 * organization and its roles must grant the handler's permission. The gateway authorized already;
 * this is the second, independent check (as RPC handlers do with @RequirePermission).
 */
@Injectable()
export class EdgePermissionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const principal = edgePrincipalOf(context.switchToHttp().getRequest<EdgeRequest>());
    if (!principal.organizationId) throw new ForbiddenError('This operation needs an organization');
    const permission = this.reflector.get<Permission | undefined>(PERMISSION, context.getHandler());
    if (permission && !rolesHavePermission(principal.roles, permission))
      throw new ForbiddenError(`Missing permission ${permission}`);
    return true;
  }
}

/**
 * THE one place storage's HTTP handlers learn who calls: a valid `x-platform-principal` for this
 * service, method and path (401 EDGE_PRINCIPAL_INVALID otherwise), whose roles grant `permission`.
 * Errors stay with the controller's StorageProblemFilter (tus answers carry Tus-Resumable).
 */
export const EdgeAuthenticated = (permission: Permission) =>
  applyDecorators(SetMetadata(PERMISSION, permission), UseGuards(EdgePrincipalGuard, EdgePermissionGuard));
