import { Module } from '@nestjs/common';
import { SubscriptionHandlers } from './subscription.handlers';
import { SubscriptionRepository } from './subscription.repository';
import { SubscriptionService } from './subscription.service';

@Module({
  controllers: [SubscriptionHandlers],
  providers: [SubscriptionService, SubscriptionRepository],
  exports: [SubscriptionRepository],
})
export class SubscriptionsModule {}
