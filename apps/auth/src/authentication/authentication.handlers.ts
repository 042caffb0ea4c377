import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { contractHandlers } from '@platform/messaging';
import { LoginService } from './login.service';
import { RegistrationService } from './registration.service';

const Auth = contractHandlers(authContract);

/** Public patterns: the credentials are in `data`, there is no principal yet. */
@Controller()
export class AuthenticationHandlers {
  constructor(
    private readonly registration: RegistrationService,
    private readonly login: LoginService,
  ) {}

  @Auth.MessagePattern(AUTH_RPC.register)
  register(@Payload() data: AuthRequest<'auth.user.register'>) {
    return this.registration.register(data);
  }

  @Auth.MessagePattern(AUTH_RPC.login)
  signIn(@Payload() data: AuthRequest<'auth.session.login'>) {
    return this.login.login(data);
  }

  @Auth.MessagePattern(AUTH_RPC.verifyMfa)
  async verifyMfa(@Payload() data: AuthRequest<'auth.session.verify-mfa'>) {
    return { tokens: await this.login.completeMfa(data) };
  }
}
