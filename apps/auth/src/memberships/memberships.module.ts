import { Module } from '@nestjs/common';
import { ApiKeyRevocationModule } from '../api-keys/api-key-revocation.module';
import { SessionRevocationModule } from '../sessions/session-revocation.module';
import { MembershipHandlers } from './membership.handlers';
import { MembershipRepository } from './membership.repository';
import { MembershipService } from './membership.service';

@Module({
  imports: [SessionRevocationModule, ApiKeyRevocationModule],
  providers: [MembershipRepository, MembershipService, MembershipHandlers],
  exports: [MembershipRepository, MembershipService],
})
export class MembershipsModule {}
