import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { contractHandlers, CurrentUser, type CurrentUserContext } from '@platform/messaging';
import { TotpService } from './totp.service';

const Auth = contractHandlers(authContract);

/** The signed-in user's own second factor (user tokens only). */
@Controller()
export class TotpHandlers {
  constructor(private readonly totp: TotpService) {}

  @Auth.MessagePattern(AUTH_RPC.enrollTotp)
  enroll(@CurrentUser() user: CurrentUserContext) {
    return this.totp.enroll(user.userId);
  }

  @Auth.MessagePattern(AUTH_RPC.verifyTotp)
  async verify(@Payload() data: AuthRequest<'auth.totp.verify'>, @CurrentUser() user: CurrentUserContext) {
    const recoveryCodes = await this.totp.confirmEnrollment(user.userId, data.code);
    return { enabled: true as const, recoveryCodes };
  }

  @Auth.MessagePattern(AUTH_RPC.disableTotp)
  async disable(@Payload() data: AuthRequest<'auth.totp.disable'>, @CurrentUser() user: CurrentUserContext) {
    await this.totp.disable(user.userId, data.code);
    return { enabled: false as const };
  }
}
