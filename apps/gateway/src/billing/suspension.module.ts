import { Global, Module } from '@nestjs/common';
import { OrganizationSuspension } from './organization-suspension';
import { SuspensionEventsConsumer } from './suspension-events.consumer';
import { ApiUsageMeter } from '../metering/api-usage-meter';

/** Billing at the edge: suspension (DESIGN "Gateway 402 on suspension") and API-call metering. */
@Global()
@Module({
  providers: [OrganizationSuspension, SuspensionEventsConsumer, ApiUsageMeter],
  exports: [OrganizationSuspension, ApiUsageMeter],
})
export class SuspensionModule {}
