import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { toOrganizationDto } from '../organizations/organization.mapper';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import { requireSystem, requireUser } from '../shared/principal.guard';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { OrganizationCodeService } from './organization-code.service';

@Injectable()
export class OrganizationCodeHandlers {
  constructor(private readonly codes: OrganizationCodeService) {}

  /** Public (seed 004 `validate-code`). */
  @AuthRpc(AUTH_RPC.validateOrganizationCode)
  validate(
    envelope: AuthEnvelope<'auth.organization-code.validate'>,
  ): Promise<AuthResult<'auth.organization-code.validate'>> {
    return this.codes.validate(envelope.data.code);
  }

  /** Seed 004 `create-from-code`: the signed-in caller becomes the new organization's owner. */
  @AuthRpc(AUTH_RPC.createOrganizationFromCode)
  async redeem(
    envelope: AuthEnvelope<'auth.organization-code.redeem'>,
  ): Promise<AuthResult<'auth.organization-code.redeem'>> {
    const { userId } = requireUser(envelope);
    const organization = await this.codes.redeem(userId, envelope.data.code, envelope.data.organizationName);
    return { organization: toOrganizationDto(organization), role: 'owner' };
  }

  /** Gateway only. */
  @AuthRpc(AUTH_RPC.resolveOrganizationCode)
  async resolve(
    envelope: AuthEnvelope<'auth.organization-code.resolve'>,
  ): Promise<AuthResult<'auth.organization-code.resolve'>> {
    const { principal, expiresAt } = await this.codes.resolve(envelope.data.code, envelope.data.userId);
    return { principal, expiresAt: expiresAt?.toISOString() ?? null };
  }

  /** Platform services only (payments, once an organization paid). */
  @AuthRpc(AUTH_RPC.issueOrganizationCode)
  async issue(
    envelope: AuthEnvelope<'auth.organization-code.issue'>,
  ): Promise<AuthResult<'auth.organization-code.issue'>> {
    requireSystem(envelope);
    return { code: await this.codes.issue(envelope.data.plan, envelope.data.organizationId) };
  }
}
