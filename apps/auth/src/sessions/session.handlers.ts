import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import { requireUser } from '../shared/principal.guard';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { SessionService } from './session.service';

@Injectable()
export class SessionHandlers {
  constructor(private readonly sessions: SessionService) {}

  /** Public: the refresh token is the credential. */
  @AuthRpc(AUTH_RPC.refresh)
  refresh(envelope: AuthEnvelope<'auth.session.refresh'>): Promise<AuthResult<'auth.session.refresh'>> {
    return this.sessions.refresh(envelope.data.refreshToken);
  }

  @AuthRpc(AUTH_RPC.logout)
  async logout(envelope: AuthEnvelope<'auth.session.logout'>): Promise<AuthResult<'auth.session.logout'>> {
    await this.sessions.logout(requireUser(envelope));
    return { loggedOut: true };
  }

  @AuthRpc(AUTH_RPC.logoutAll)
  async logoutAll(
    envelope: AuthEnvelope<'auth.session.logout-all'>,
  ): Promise<AuthResult<'auth.session.logout-all'>> {
    return { sessionsRevoked: await this.sessions.logoutAll(requireUser(envelope)) };
  }

  @AuthRpc(AUTH_RPC.switchOrganization)
  switch(
    envelope: AuthEnvelope<'auth.organization.switch'>,
  ): Promise<AuthResult<'auth.organization.switch'>> {
    return this.sessions.switchOrganization(requireUser(envelope), envelope.data.organizationId);
  }
}
