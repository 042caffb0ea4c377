import { Module } from '@nestjs/common';
import { AccessTokenDenylist } from './access-token-denylist';
import { SessionRevoker } from './session-revoker';

/** Revoking sessions, apart from issuing them, so that memberships and passwords can end sessions. */
@Module({
  providers: [AccessTokenDenylist, SessionRevoker],
  exports: [AccessTokenDenylist, SessionRevoker],
})
export class SessionRevocationModule {}
