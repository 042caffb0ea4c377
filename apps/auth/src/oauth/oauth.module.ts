import { Module } from '@nestjs/common';
import { EmailVerificationModule } from '../email-verification/email-verification.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { OAuthLoginService } from './oauth-login.service';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { OAuthStateStore } from './oauth-state.store';
import { OAuthHandlers } from './oauth.handlers';

@Module({
  imports: [UsersModule, OrganizationsModule, SessionsModule, EmailVerificationModule],
  controllers: [OAuthHandlers],
  providers: [OAuthProviderRegistry, OAuthStateStore, OAuthLoginService],
})
export class OAuthModule {}
