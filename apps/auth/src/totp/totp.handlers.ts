import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import { requireUser } from '../shared/principal.guard';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { TotpService } from './totp.service';

@Injectable()
export class TotpHandlers {
  constructor(private readonly totp: TotpService) {}

  @AuthRpc(AUTH_RPC.enrollTotp)
  enroll(envelope: AuthEnvelope<'auth.totp.enroll'>): Promise<AuthResult<'auth.totp.enroll'>> {
    return this.totp.enroll(requireUser(envelope).userId);
  }

  @AuthRpc(AUTH_RPC.verifyTotp)
  async verify(envelope: AuthEnvelope<'auth.totp.verify'>): Promise<AuthResult<'auth.totp.verify'>> {
    const recoveryCodes = await this.totp.confirmEnrollment(requireUser(envelope).userId, envelope.data.code);
    return { enabled: true, recoveryCodes };
  }

  @AuthRpc(AUTH_RPC.disableTotp)
  async disable(envelope: AuthEnvelope<'auth.totp.disable'>): Promise<AuthResult<'auth.totp.disable'>> {
    await this.totp.disable(requireUser(envelope).userId, envelope.data.code);
    return { enabled: false };
  }
}
