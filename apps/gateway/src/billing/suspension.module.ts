import { Global, Module } from '@nestjs/common';
import { OrganizationSuspension } from './organization-suspension';
import { SuspensionEventsConsumer } from './suspension-events.consumer';

/** Billing suspension at the edge (DESIGN "Gateway 402 on suspension"). */
@Global()
@Module({
  providers: [OrganizationSuspension, SuspensionEventsConsumer],
  exports: [OrganizationSuspension],
})
export class SuspensionModule {}
