import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { EmailVerificationHandlers } from './email-verification.handlers';
import { EmailVerificationService } from './email-verification.service';

@Module({
  imports: [UsersModule],
  providers: [EmailVerificationService, EmailVerificationHandlers],
  exports: [EmailVerificationService],
})
export class EmailVerificationModule {}
