import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { LoginService } from './login.service';
import { RegistrationService } from './registration.service';

/** Public patterns: the credentials are in `data`, there is no principal yet. */
@Injectable()
export class AuthenticationHandlers {
  constructor(
    private readonly registration: RegistrationService,
    private readonly login: LoginService,
  ) {}

  @AuthRpc(AUTH_RPC.register)
  register(envelope: AuthEnvelope<'auth.user.register'>): Promise<AuthResult<'auth.user.register'>> {
    return this.registration.register(envelope.data);
  }

  @AuthRpc(AUTH_RPC.login)
  signIn(envelope: AuthEnvelope<'auth.session.login'>): Promise<AuthResult<'auth.session.login'>> {
    return this.login.login(envelope.data);
  }

  @AuthRpc(AUTH_RPC.verifyMfa)
  async verifyMfa(
    envelope: AuthEnvelope<'auth.session.verify-mfa'>,
  ): Promise<AuthResult<'auth.session.verify-mfa'>> {
    return { tokens: await this.login.completeMfa(envelope.data) };
  }
}
