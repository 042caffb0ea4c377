import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { IdempotentCommand } from '@platform/idempotency';
import {
  contractHandlers,
  CurrentUser,
  RequirePermission,
  SystemOnly,
  type CurrentUserContext,
} from '@platform/messaging';
import { SealedResponseCodec } from '../security/sealed-response.codec';
import { toOrganizationDto } from '../organizations/organization.mapper';
import { OrganizationCodeRotation } from './organization-code-rotation';
import { OrganizationCodeService } from './organization-code.service';

const Auth = contractHandlers(authContract);

@Controller()
export class OrganizationCodeHandlers {
  constructor(
    private readonly codes: OrganizationCodeService,
    private readonly rotation: OrganizationCodeRotation,
  ) {}

  /** Public (seed 004 `validate-code`). */
  @Auth.MessagePattern(AUTH_RPC.validateOrganizationCode)
  validate(@Payload() data: AuthRequest<'auth.organization-code.validate'>) {
    return this.codes.validate(data.code);
  }

  /** Seed 004 `create-from-code`: the signed-in caller becomes the new organization's owner. */
  @Auth.MessagePattern(AUTH_RPC.createOrganizationFromCode)
  async redeem(
    @Payload() data: AuthRequest<'auth.organization-code.redeem'>,
    @CurrentUser() user: CurrentUserContext,
  ) {
    const organization = await this.codes.redeem(user.userId, data.code, data.organizationName);
    return { organization: toOrganizationDto(organization), role: 'owner' as const };
  }

  /** Gateway only (no principal yet: the code is the credential being resolved). */
  @Auth.MessagePattern(AUTH_RPC.resolveOrganizationCode)
  async resolve(@Payload() data: AuthRequest<'auth.organization-code.resolve'>) {
    const { principal, expiresAt } = await this.codes.resolve(data.code, data.userId);
    return { principal, expiresAt: expiresAt?.toISOString() ?? null };
  }

  /**
   * A new code for the caller's organization, the old one revoked everywhere at once. Idempotent: a
   * retried request answers the same new code (its stored answer sealed, as it holds a secret).
   */
  @Auth.MessagePattern(AUTH_RPC.rotateOrganizationCode)
  @RequirePermission('org:update', { kinds: ['user'] })
  @IdempotentCommand({ responseCodec: SealedResponseCodec })
  rotate(@CurrentUser() user: CurrentUserContext) {
    return this.rotation.rotate(user);
  }

  /** Platform services only (payments, once an organization paid). */
  @Auth.MessagePattern(AUTH_RPC.issueOrganizationCode)
  @SystemOnly()
  async issue(@Payload() data: AuthRequest<'auth.organization-code.issue'>) {
    return { code: await this.codes.issue(data.plan, data.organizationId) };
  }
}
