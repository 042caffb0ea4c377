import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AUTH_RPC, authContract, type AuthRequest } from '@platform/contracts';
import { contractHandlers } from '@platform/messaging';
import { EmailVerificationService } from './email-verification.service';

const Auth = contractHandlers(authContract);

/** Public patterns: the emailed token (confirm) or nothing at all (resend) is the credential. */
@Controller()
export class EmailVerificationHandlers {
  constructor(private readonly verification: EmailVerificationService) {}

  /** No token pair: following a link must not sign anyone in (the account's password may not be theirs). */
  @Auth.MessagePattern(AUTH_RPC.verifyEmail)
  async confirm(@Payload() data: AuthRequest<'auth.email-verification.confirm'>) {
    await this.verification.confirm(data.token);
    return { verified: true as const };
  }

  /** Same answer for every email (no account enumeration). */
  @Auth.MessagePattern(AUTH_RPC.resendEmailVerification)
  resend(@Payload() data: AuthRequest<'auth.email-verification.resend'>) {
    this.verification.requestResend(data.email);
    return { accepted: true as const };
  }
}
