import { Module } from '@nestjs/common';
import { JwksHandlers } from './jwks.handlers';
import { SigningKeyService } from './signing-key.service';

@Module({
  controllers: [JwksHandlers],
  providers: [SigningKeyService],
  exports: [SigningKeyService],
})
export class SigningKeysModule {}
