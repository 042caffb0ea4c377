import { Module } from '@nestjs/common';
import { ApiKeyRevocationModule } from '../api-keys/api-key-revocation.module';
import { SessionRevocationModule } from '../sessions/session-revocation.module';
import { MembershipHandlers } from './membership.handlers';
import { MembershipRepository } from './membership.repository';
import { MembershipService } from './membership.service';

@Module({
  imports: [SessionRevocationModule, ApiKeyRevocationModule],
  controllers: [MembershipHandlers],
  providers: [MembershipRepository, MembershipService],
  exports: [MembershipRepository, MembershipService],
})
export class MembershipsModule {}
