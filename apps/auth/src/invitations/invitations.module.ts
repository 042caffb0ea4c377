import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { InvitationHandlers } from './invitation.handlers';
import { InvitationService } from './invitation.service';

@Module({
  imports: [MembershipsModule, OrganizationsModule, UsersModule],
  controllers: [InvitationHandlers],
  providers: [InvitationService],
})
export class InvitationsModule {}
