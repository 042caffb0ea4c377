import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { contractHandlers, CurrentUser, SystemOnly, type CurrentUserContext } from '@platform/messaging';
import { toOrganizationDto } from '../organizations/organization.mapper';
import { OrganizationCodeService } from './organization-code.service';

const Auth = contractHandlers(authContract);

@Controller()
export class OrganizationCodeHandlers {
  constructor(private readonly codes: OrganizationCodeService) {}

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

  /** Platform services only (payments, once an organization paid). */
  @Auth.MessagePattern(AUTH_RPC.issueOrganizationCode)
  @SystemOnly()
  async issue(@Payload() data: AuthRequest<'auth.organization-code.issue'>) {
    return { code: await this.codes.issue(data.plan, data.organizationId) };
  }
}
