import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenIssuer } from './access-token.issuer';
import { RefreshTokenCodec } from './refresh-token.codec';
import { SessionRevocationModule } from './session-revocation.module';
import { SessionHandlers } from './session.handlers';
import { SessionService } from './session.service';

@Module({
  imports: [MembershipsModule, UsersModule, SigningKeysModule, SessionRevocationModule],
  controllers: [SessionHandlers],
  providers: [AccessTokenIssuer, RefreshTokenCodec, SessionService],
  exports: [SessionService, SessionRevocationModule],
})
export class SessionsModule {}
