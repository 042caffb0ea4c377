import { Module } from '@nestjs/common';
import { SessionRevocationModule } from '../sessions/session-revocation.module';
import { UsersModule } from '../users/users.module';
import { PasswordHandlers } from './password.handlers';
import { PasswordService } from './password.service';

@Module({
  imports: [UsersModule, SessionRevocationModule],
  providers: [PasswordService, PasswordHandlers],
})
export class PasswordsModule {}
