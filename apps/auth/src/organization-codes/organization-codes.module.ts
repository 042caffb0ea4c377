import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PlanSyncHandler } from '../organizations/plan-sync.handler';
import { OrganizationCodeMails } from './organization-code-mails';
import { OrganizationCodeRotation } from './organization-code-rotation';
import { OrganizationCodeHandlers } from './organization-code.handlers';
import { OrganizationCodeService } from './organization-code.service';

@Module({
  imports: [MembershipsModule, OrganizationsModule],
  // PlanSyncHandler lives with organizations but issues codes on activation, so it is served here.
  controllers: [OrganizationCodeHandlers, PlanSyncHandler],
  providers: [OrganizationCodeService, OrganizationCodeMails, OrganizationCodeRotation],
})
export class OrganizationCodesModule {}
