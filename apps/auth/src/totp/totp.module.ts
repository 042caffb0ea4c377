import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { MfaChallengeStore } from './mfa-challenge.store';
import { TotpHandlers } from './totp.handlers';
import { TotpService } from './totp.service';

@Module({
  imports: [UsersModule],
  providers: [TotpService, MfaChallengeStore, TotpHandlers],
  exports: [TotpService, MfaChallengeStore],
})
export class TotpModule {}
