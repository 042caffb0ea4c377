import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationHandlers } from './organization.handlers';
import { OrganizationService } from './organization.service';
import { PlanSyncHandler } from './plan-sync.handler';

@Module({
  imports: [MembershipsModule],
  controllers: [OrganizationHandlers, PlanSyncHandler],
  providers: [OrganizationService],
  exports: [OrganizationService],
})
export class OrganizationsModule {}
