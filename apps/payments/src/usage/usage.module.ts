import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { UsageEventsHandlers } from './usage-events.handlers';
import { UsageHandlers } from './usage.handlers';
import { UsageMeter } from './usage-meter.service';
import { UsageRepository } from './usage.repository';
import { UsageService } from './usage.service';

/** Metering: usage events into per-period counters, the usage read, and the 80%/100% alerts. */
@Module({
  imports: [SubscriptionsModule, PlansModule],
  controllers: [UsageHandlers, UsageEventsHandlers],
  providers: [UsageRepository, UsageMeter, UsageService],
})
export class UsageModule {}
