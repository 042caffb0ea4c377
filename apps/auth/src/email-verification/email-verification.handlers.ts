import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { EmailVerificationService } from './email-verification.service';

/** Public patterns: the emailed token (confirm) or nothing at all (resend) is the credential. */
@Injectable()
export class EmailVerificationHandlers {
  constructor(private readonly verification: EmailVerificationService) {}

  /** No token pair: following a link must not sign anyone in (the account's password may not be theirs). */
  @AuthRpc(AUTH_RPC.verifyEmail)
  async confirm(
    envelope: AuthEnvelope<'auth.email-verification.confirm'>,
  ): Promise<AuthResult<'auth.email-verification.confirm'>> {
    await this.verification.confirm(envelope.data.token);
    return { verified: true };
  }

  /** Same answer for every email (no account enumeration). */
  @AuthRpc(AUTH_RPC.resendEmailVerification)
  resend(
    envelope: AuthEnvelope<'auth.email-verification.resend'>,
  ): AuthResult<'auth.email-verification.resend'> {
    this.verification.requestResend(envelope.data.email);
    return { accepted: true };
  }
}
