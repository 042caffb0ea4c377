import { Module } from '@nestjs/common';
import { SessionRevocationModule } from '../sessions/session-revocation.module';
import { UsersModule } from '../users/users.module';
import { EmailVerificationHandlers } from './email-verification.handlers';
import { EmailVerificationService } from './email-verification.service';
import { UnverifiedAccountClaim } from './unverified-account-claim';

@Module({
  imports: [UsersModule, SessionRevocationModule],
  controllers: [EmailVerificationHandlers],
  providers: [EmailVerificationService, UnverifiedAccountClaim],
  exports: [EmailVerificationService, UnverifiedAccountClaim],
})
export class EmailVerificationModule {}
