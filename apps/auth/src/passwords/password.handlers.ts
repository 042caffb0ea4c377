import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { contractHandlers, CurrentUser, type CurrentUserContext } from '@platform/messaging';
import { PasswordService } from './password.service';

const Auth = contractHandlers(authContract);

@Controller()
export class PasswordHandlers {
  constructor(private readonly passwords: PasswordService) {}

  @Auth.MessagePattern(AUTH_RPC.changePassword)
  async change(
    @Payload() data: AuthRequest<'auth.password.change'>,
    @CurrentUser() user: CurrentUserContext,
  ) {
    await this.passwords.change(user, data.currentPassword, data.newPassword);
    return { changed: true as const };
  }

  /** Public. Same answer for every email (no account enumeration). */
  @Auth.MessagePattern(AUTH_RPC.requestPasswordReset)
  request(@Payload() data: AuthRequest<'auth.password-reset.request'>) {
    this.passwords.requestReset(data.email);
    return { accepted: true as const };
  }

  /** Public: the emailed token is the credential. */
  @Auth.MessagePattern(AUTH_RPC.confirmPasswordReset)
  async confirm(@Payload() data: AuthRequest<'auth.password-reset.confirm'>) {
    await this.passwords.confirmReset(data.token, data.newPassword);
    return { reset: true as const };
  }
}
