import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { contractHandlers } from '@platform/messaging';
import { OAuthLoginService } from './oauth-login.service';

const Auth = contractHandlers(authContract);

/** Public: the browser is redirected to `authorizationUrl`, then the app posts back code and state. */
@Controller()
export class OAuthHandlers {
  constructor(private readonly oauth: OAuthLoginService) {}

  @Auth.MessagePattern(AUTH_RPC.oauthAuthorize)
  authorize(@Payload() data: AuthRequest<'auth.oauth.authorize'>) {
    return this.oauth.authorize(data.provider, data.redirectUri);
  }

  @Auth.MessagePattern(AUTH_RPC.oauthCallback)
  callback(@Payload() data: AuthRequest<'auth.oauth.callback'>) {
    const { provider, code, state, iss } = data;
    return this.oauth.callback(provider, code, state, iss);
  }
}
