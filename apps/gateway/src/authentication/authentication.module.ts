import { Module } from '@nestjs/common';
import { ThrottlingModule } from '../throttling/throttling.module';
import { AccessTokenVerifier } from './access-token.verifier';
import { Authenticator } from './authenticator.service';
import { CredentialCache } from './credential-cache';
import { CredentialInvalidationConsumer } from './credential-invalidation.consumer';
import { CredentialResolver } from './credential.resolver';
import { JwksCache } from './jwks.cache';
import { TokenDenylist } from './token-denylist';

/** Bearer tokens verified locally (cached JWKS + Redis denylist), API keys and organization codes. */
@Module({
  imports: [ThrottlingModule],
  providers: [
    JwksCache,
    TokenDenylist,
    AccessTokenVerifier,
    CredentialCache,
    CredentialInvalidationConsumer,
    CredentialResolver,
    Authenticator,
  ],
  exports: [Authenticator, CredentialCache, CredentialInvalidationConsumer, JwksCache, TokenDenylist],
})
export class AuthenticationModule {}
