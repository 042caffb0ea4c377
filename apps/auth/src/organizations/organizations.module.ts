import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationHandlers } from './organization.handlers';
import { OrganizationService } from './organization.service';

@Module({
  imports: [MembershipsModule],
  controllers: [OrganizationHandlers],
  providers: [OrganizationService],
  exports: [OrganizationService],
})
export class OrganizationsModule {}
