import { Module } from '@nestjs/common';
import { JwksHandlers } from './jwks.handlers';
import { SigningKeyService } from './signing-key.service';

@Module({
  providers: [SigningKeyService, JwksHandlers],
  exports: [SigningKeyService],
})
export class SigningKeysModule {}
