import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { MfaChallengeStore } from './mfa-challenge.store';
import { SecondFactorGuessBudget } from './second-factor-guess.budget';
import { TotpHandlers } from './totp.handlers';
import { TotpService } from './totp.service';

@Module({
  imports: [UsersModule],
  controllers: [TotpHandlers],
  providers: [TotpService, SecondFactorGuessBudget, MfaChallengeStore],
  exports: [TotpService, MfaChallengeStore],
})
export class TotpModule {}
