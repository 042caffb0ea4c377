import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import { requireUser } from '../shared/principal.guard';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { toMembershipDto, toOrganizationDto } from './organization.mapper';
import { OrganizationService } from './organization.service';

@Injectable()
export class OrganizationHandlers {
  constructor(private readonly organizations: OrganizationService) {}

  /** Any signed-in user may create an organization; they become its owner. */
  @AuthRpc(AUTH_RPC.createOrganization)
  async create(
    envelope: AuthEnvelope<'auth.organization.create'>,
  ): Promise<AuthResult<'auth.organization.create'>> {
    const { userId } = requireUser(envelope);
    const organization = await this.organizations.create(userId, envelope.data.name);
    return { organization: toOrganizationDto(organization), role: 'owner' };
  }

  /** The caller's own organizations, whichever organization their token is in. */
  @AuthRpc(AUTH_RPC.listOrganizations)
  async list(
    envelope: AuthEnvelope<'auth.organization.list'>,
  ): Promise<AuthResult<'auth.organization.list'>> {
    const { userId } = requireUser(envelope);
    const { rows, nextCursor } = await this.organizations.pageForUser(userId, envelope.data);
    return { items: rows.map((m) => toMembershipDto(m.organization, m.role, m.joinedAt)), nextCursor };
  }
}
