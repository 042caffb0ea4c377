import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { OAuthLoginService } from './oauth-login.service';
import { OAuthProviderRegistry } from './oauth-provider.registry';
import { OAuthStateStore } from './oauth-state.store';
import { OAuthHandlers } from './oauth.handlers';
import { UnverifiedAccountClaim } from './unverified-account-claim';

@Module({
  imports: [UsersModule, OrganizationsModule, SessionsModule],
  providers: [
    OAuthProviderRegistry,
    OAuthStateStore,
    OAuthLoginService,
    OAuthHandlers,
    UnverifiedAccountClaim,
  ],
})
export class OAuthModule {}
