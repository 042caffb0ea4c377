import { Module } from '@nestjs/common';
import { EmailVerificationModule } from '../email-verification/email-verification.module';
import { SessionRevocationModule } from '../sessions/session-revocation.module';
import { UsersModule } from '../users/users.module';
import { PasswordHandlers } from './password.handlers';
import { PasswordService } from './password.service';

@Module({
  imports: [UsersModule, SessionRevocationModule, EmailVerificationModule],
  controllers: [PasswordHandlers],
  providers: [PasswordService],
})
export class PasswordsModule {}
