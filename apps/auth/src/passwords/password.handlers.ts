import { Injectable } from '@nestjs/common';
import { AUTH_RPC } from '@platform/contracts';
import { AuthRpc } from '../shared/auth-rpc.decorator';
import { requireUser } from '../shared/principal.guard';
import type { AuthEnvelope, AuthResult } from '../shared/rpc-types';
import { PasswordService } from './password.service';

@Injectable()
export class PasswordHandlers {
  constructor(private readonly passwords: PasswordService) {}

  @AuthRpc(AUTH_RPC.changePassword)
  async change(envelope: AuthEnvelope<'auth.password.change'>): Promise<AuthResult<'auth.password.change'>> {
    const { currentPassword, newPassword } = envelope.data;
    await this.passwords.change(requireUser(envelope), currentPassword, newPassword);
    return { changed: true };
  }

  /** Public. Same answer for every email (no account enumeration). */
  @AuthRpc(AUTH_RPC.requestPasswordReset)
  request(envelope: AuthEnvelope<'auth.password-reset.request'>): AuthResult<'auth.password-reset.request'> {
    this.passwords.requestReset(envelope.data.email);
    return { accepted: true };
  }

  /** Public: the emailed token is the credential. */
  @AuthRpc(AUTH_RPC.confirmPasswordReset)
  async confirm(
    envelope: AuthEnvelope<'auth.password-reset.confirm'>,
  ): Promise<AuthResult<'auth.password-reset.confirm'>> {
    await this.passwords.confirmReset(envelope.data.token, envelope.data.newPassword);
    return { reset: true };
  }
}
