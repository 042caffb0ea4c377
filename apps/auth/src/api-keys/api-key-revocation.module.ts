import { Module } from '@nestjs/common';
import { ApiKeyRevoker } from './api-key-revoker';

/** Revoking API keys, apart from managing them, so that ending a membership can revoke its keys. */
@Module({
  providers: [ApiKeyRevoker],
  exports: [ApiKeyRevoker],
})
export class ApiKeyRevocationModule {}
