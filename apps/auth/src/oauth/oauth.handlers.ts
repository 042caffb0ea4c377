import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { OAuthLoginService } from './oauth-login.service';

/** Public: the browser is redirected to `authorizationUrl`, then the app posts back code and state. */
@Injectable()
export class OAuthHandlers {
  constructor(private readonly oauth: OAuthLoginService) {}

  @AuthRpc(AUTH_RPC.oauthAuthorize)
  authorize(envelope: AuthEnvelope<'auth.oauth.authorize'>): Promise<AuthResult<'auth.oauth.authorize'>> {
    return this.oauth.authorize(envelope.data.provider, envelope.data.redirectUri);
  }

  @AuthRpc(AUTH_RPC.oauthCallback)
  callback(envelope: AuthEnvelope<'auth.oauth.callback'>): Promise<AuthResult<'auth.oauth.callback'>> {
    const { provider, code, state, iss } = envelope.data;
    return this.oauth.callback(provider, code, state, iss);
  }
}
