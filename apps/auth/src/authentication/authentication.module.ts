import { Module } from '@nestjs/common';
import { EmailVerificationModule } from '../email-verification/email-verification.module';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TotpModule } from '../totp/totp.module';
import { UsersModule } from '../users/users.module';
import { AuthenticationHandlers } from './authentication.handlers';
import { LoginService } from './login.service';
import { RegistrationService } from './registration.service';

@Module({
  imports: [
    UsersModule,
    MembershipsModule,
    OrganizationsModule,
    SessionsModule,
    TotpModule,
    EmailVerificationModule,
  ],
  controllers: [AuthenticationHandlers],
  providers: [RegistrationService, LoginService],
})
export class AuthenticationModule {}
