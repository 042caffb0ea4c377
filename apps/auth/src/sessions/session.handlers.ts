import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { contractHandlers, CurrentUser, type CurrentUserContext } from '@platform/messaging';
import { SessionService } from './session.service';

const Auth = contractHandlers(authContract);

@Controller()
export class SessionHandlers {
  constructor(private readonly sessions: SessionService) {}

  /** Public: the refresh token is the credential. */
  @Auth.MessagePattern(AUTH_RPC.refresh)
  refresh(@Payload() data: AuthRequest<'auth.session.refresh'>) {
    return this.sessions.refresh(data.refreshToken);
  }

  @Auth.MessagePattern(AUTH_RPC.logout)
  async logout(@CurrentUser() user: CurrentUserContext) {
    await this.sessions.logout(user);
    return { loggedOut: true as const };
  }

  @Auth.MessagePattern(AUTH_RPC.logoutAll)
  async logoutAll(@CurrentUser() user: CurrentUserContext) {
    return { sessionsRevoked: await this.sessions.logoutAll(user) };
  }

  @Auth.MessagePattern(AUTH_RPC.switchOrganization)
  switch(@Payload() data: AuthRequest<'auth.organization.switch'>, @CurrentUser() user: CurrentUserContext) {
    return this.sessions.switchOrganization(user, data.organizationId);
  }
}
