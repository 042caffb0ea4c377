import {
  applyDecorators,
  createParamDecorator,
  Inject,
  Injectable,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { rolesHavePermission, type Permission, type Principal } from '@platform/contracts';
import { ForbiddenError, UnauthenticatedError } from '@platform/errors';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { StorageEnv } from '../config/storage-env.schema';
import { verifyEdgePrincipalToken } from './edge-principal.token';

/**
 * THE one place where storage's HTTP handlers learn who calls: the `x-platform-principal` token the
 * gateway signs for stream routes (DESIGN "Principal reaching a service over HTTP", ADR 0007). It is
 * written to the shared spec so that swapping in `@platform/edge-principal`'s guard changes this file
 * only.
 */
const PERMISSION = 'storage:edge-permission';
const PRINCIPAL = Symbol('storage:edge-principal');

type RequestWithPrincipal = FastifyRequest & { [PRINCIPAL]?: Principal };

@Injectable()
export class EdgePrincipalGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SERVICE_CONFIG) private readonly config: StorageEnv,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const secret = this.config.EDGE_PRINCIPAL_SECRET;
    // Without a secret no token can be trusted: every stream request is refused, never let through.
    if (!secret) throw new UnauthenticatedError('This service accepts no edge principal (no secret set)');
    const header = request.headers['x-platform-principal'];
    if (typeof header !== 'string') throw new UnauthenticatedError('Missing x-platform-principal');
    const principal = await verifyEdgePrincipalToken(header, {
      secret,
      audience: 'storage',
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
    });
    if (!principal.organizationId) throw new ForbiddenError('This operation needs an organization');
    // The gateway authorized already; this is the second, independent check (as RPC handlers do).
    const permission = this.reflector.get<Permission | undefined>(PERMISSION, context.getHandler());
    if (permission && !rolesHavePermission(principal.roles, permission))
      throw new ForbiddenError(`Missing permission ${permission}`);
    request[PRINCIPAL] = principal;
    return true;
  }
}

/** The handler needs a valid edge principal whose roles grant `permission`. */
export const EdgeAuthenticated = (permission: Permission) =>
  applyDecorators(SetMetadata(PERMISSION, permission), UseGuards(EdgePrincipalGuard));

/** The verified principal of the request (only under `@EdgeAuthenticated`). */
export const EdgePrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<RequestWithPrincipal>()[PRINCIPAL];
  if (!principal) throw new UnauthenticatedError();
  return principal;
});
