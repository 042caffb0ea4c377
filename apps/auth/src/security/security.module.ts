import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { DEV_KEY_ENCRYPTION_KEY, type AuthEnv } from '../config/auth-env.schema';
import { Clock } from '../shared/clock';
import { PasswordHasher } from './password-hasher';
import { SealedResponseCodec } from './sealed-response.codec';
import { SecretBox } from './secret-box';

/** Crypto primitives and the clock, shared by every feature of the service. */
@Global()
@Module({
  providers: [
    Clock,
    {
      provide: SecretBox,
      useFactory: (config: AuthEnv, logger: Logger) => {
        if (!config.KEY_ENCRYPTION_KEY) {
          logger.warn(
            'KEY_ENCRYPTION_KEY is unset: secrets are sealed with the development key (never in production)',
          );
        }
        return new SecretBox(Buffer.from(config.KEY_ENCRYPTION_KEY ?? DEV_KEY_ENCRYPTION_KEY, 'base64'));
      },
      inject: [SERVICE_CONFIG, LOGGER],
    },
    {
      provide: PasswordHasher,
      useFactory: (config: AuthEnv) =>
        new PasswordHasher({
          memoryCost: config.ARGON2_MEMORY_KIB,
          timeCost: config.ARGON2_TIME_COST,
          parallelism: config.ARGON2_PARALLELISM,
        }),
      inject: [SERVICE_CONFIG],
    },
    SealedResponseCodec,
  ],
  exports: [Clock, SecretBox, PasswordHasher, SealedResponseCodec],
})
export class SecurityModule {}
