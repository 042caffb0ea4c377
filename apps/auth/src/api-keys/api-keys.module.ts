import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { ApiKeyRevocationModule } from './api-key-revocation.module';
import { ApiKeyHandlers } from './api-key.handlers';
import { ApiKeyService } from './api-key.service';

@Module({
  imports: [MembershipsModule, ApiKeyRevocationModule],
  controllers: [ApiKeyHandlers],
  providers: [ApiKeyService],
})
export class ApiKeysModule {}
