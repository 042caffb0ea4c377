import { Module } from '@nestjs/common';
import { MembershipsModule } from '../memberships/memberships.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { OrganizationCodeHandlers } from './organization-code.handlers';
import { OrganizationCodeService } from './organization-code.service';

@Module({
  imports: [MembershipsModule, OrganizationsModule],
  controllers: [OrganizationCodeHandlers],
  providers: [OrganizationCodeService],
})
export class OrganizationCodesModule {}
