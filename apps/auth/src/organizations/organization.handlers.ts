import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { contractHandlers, CurrentUser, type CurrentUserContext } from '@platform/messaging';
import { toMembershipDto, toOrganizationDto } from './organization.mapper';
import { OrganizationService } from './organization.service';

const Auth = contractHandlers(authContract);

@Controller()
export class OrganizationHandlers {
  constructor(private readonly organizations: OrganizationService) {}

  /** Any signed-in user may create an organization; they become its owner. */
  @Auth.MessagePattern(AUTH_RPC.createOrganization)
  async create(
    @Payload() data: AuthRequest<'auth.organization.create'>,
    @CurrentUser() user: CurrentUserContext,
  ) {
    const organization = await this.organizations.create(user.userId, data.name);
    return { organization: toOrganizationDto(organization), role: 'owner' as const };
  }

  /** The caller's own organizations, whichever organization their token is in. */
  @Auth.MessagePattern(AUTH_RPC.listOrganizations)
  async list(
    @Payload() data: AuthRequest<'auth.organization.list'>,
    @CurrentUser() user: CurrentUserContext,
  ) {
    const { rows, nextCursor } = await this.organizations.pageForUser(user.userId, data);
    return { items: rows.map((m) => toMembershipDto(m.organization, m.role, m.joinedAt)), nextCursor };
  }
}
