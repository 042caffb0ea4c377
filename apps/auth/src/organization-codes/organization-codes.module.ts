import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { OrganizationCodeHandlers } from './organization-code.handlers';
import { OrganizationCodeService } from './organization-code.service';

@Module({
  imports: [MembershipsModule, OrganizationsModule],
  providers: [OrganizationCodeService, OrganizationCodeHandlers],
})
export class OrganizationCodesModule {}
