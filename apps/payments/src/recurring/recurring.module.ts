import { Module } from '@nestjs/common';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { RecurringChargeJob } from './recurring-charge.job';
import { recurringChargeRouterProvider } from './recurring-charge.router.provider';

@Module({
  imports: [SubscriptionsModule, WebhooksModule],
  providers: [recurringChargeRouterProvider, RecurringChargeJob],
  exports: [RecurringChargeJob],
})
export class RecurringModule {}
