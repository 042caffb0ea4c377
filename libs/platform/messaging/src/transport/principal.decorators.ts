import {
  applyDecorators,
  createParamDecorator,
  Injectable,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  rolesHavePermission,
  type Permission,
  type Principal,
  type PrincipalKind,
} from '@platform/contracts';
import { ForbiddenError, UnauthenticatedError } from '@platform/errors';
import { AmqpContext } from './amqp-context';

const PRINCIPAL_RULE = 'platform:principal-rule';

interface PrincipalRule {
  kinds: readonly PrincipalKind[];
  permission?: Permission;
  system?: boolean;
}

/** How a refusal names the caller's credential (the same words auth's handlers always used). */
const CREDENTIAL_NAMES: Record<PrincipalKind, string> = {
  user: 'a user',
  'api-key': 'an API key',
  'organization-code': 'an organization code',
  system: 'a platform service',
};

/**
 * The kind a principal is treated as. A user principal never carries an API key id; one that does is
 * an inconsistent envelope and is refused wherever an API key would be (never trusted as a user).
 */
function effectiveKind(principal: Principal): PrincipalKind {
  return principal.kind === 'user' && principal.apiKeyId ? 'api-key' : principal.kind;
}

function refuseKind(kind: PrincipalKind, allowed: readonly PrincipalKind[]): ForbiddenError {
  return new ForbiddenError(
    allowed.length === 1 && allowed[0] === 'user'
      ? `This operation needs a signed-in user, not ${CREDENTIAL_NAMES[kind]}`
      : `This operation is not available to ${CREDENTIAL_NAMES[kind]}`,
  );
}

/** Credentials that act inside one organization: what a permission check applies to. */
const ORGANIZATION_KINDS: readonly PrincipalKind[] = ['user', 'api-key', 'organization-code'];

/** A signed-in user acting inside one organization (from an access token, never from `data`). */
export interface CurrentUserContext {
  userId: string;
  organizationId: string;
  roles: Principal['roles'];
  sessionId: string | null;
  tokenId: string | null;
}

function principalOf(context: ExecutionContext): Principal | null {
  const ctx = context.switchToRpc().getContext<unknown>();
  return ctx instanceof AmqpContext ? ctx.principal : null;
}

/** Enforces the `@RequirePermission`/`@SystemOnly`/`@AllowPrincipals` rule of the handler. */
@Injectable()
export class PrincipalGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<PrincipalRule | undefined>(PRINCIPAL_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) return true;
    const principal = principalOf(context);
    if (rule.system) {
      // Anonymous included: an internal pattern answers nobody but the platform, signed in or not.
      if (principal?.kind !== 'system' || !principal.scopes.includes('system') || principal.userId)
        throw new ForbiddenError('Only platform services may call this');
      return true;
    }
    if (!principal) throw new UnauthenticatedError();
    const kind = effectiveKind(principal);
    if (!rule.kinds.includes(kind)) throw refuseKind(kind, rule.kinds);
    if (rule.permission) {
      if (!principal.organizationId) throw new UnauthenticatedError();
      if (!rolesHavePermission(principal.roles, rule.permission))
        throw new ForbiddenError(`Missing permission ${rule.permission}`);
    }
    return true;
  }
}

const rule = (value: PrincipalRule) =>
  applyDecorators(SetMetadata(PRINCIPAL_RULE, value), UseGuards(PrincipalGuard));

/**
 * The caller's roles must grant `permission` (the matrix in @platform/contracts). By default users,
 * API keys and organization codes may call; `kinds` narrows that (e.g. `['user']`).
 */
export const RequirePermission = (
  permission: Permission,
  options: { kinds?: readonly PrincipalKind[] } = {},
) => rule({ permission, kinds: options.kinds ?? ORGANIZATION_KINDS });

/** Only these credential kinds may call (no permission check). */
export const AllowPrincipals = (...kinds: PrincipalKind[]) => rule({ kinds });

/** Internal patterns: only the platform's own system principal. */
export const SystemOnly = () => rule({ kinds: ['system'], system: true });

/** The caller's principal; UNAUTHENTICATED when the call carries none. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = principalOf(context);
  if (!principal) throw new UnauthenticatedError();
  return principal;
});

/**
 * The signed-in user: refuses API keys, organization codes, platform services and a user principal
 * carrying an API key id (FORBIDDEN; a code's `userId` only attributes actions and never acts as that
 * user), and anonymous calls (UNAUTHENTICATED). The gateway already refuses those credentials on user
 * routes (route `credentials`); this is the second, independent check.
 */
export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): CurrentUserContext => {
    const principal = principalOf(context);
    if (!principal) throw new UnauthenticatedError();
    const kind = effectiveKind(principal);
    if (kind !== 'user') throw refuseKind(kind, ['user']);
    if (!principal.userId || !principal.organizationId) throw new UnauthenticatedError();
    return {
      userId: principal.userId,
      organizationId: principal.organizationId,
      roles: principal.roles,
      sessionId: principal.sessionId ?? null,
      tokenId: principal.tokenId ?? null,
    };
  },
);
