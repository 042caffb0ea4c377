import { Module } from '@nestjs/common';
import { RecurringModule } from '../recurring/recurring.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DunningJob } from './dunning.job';
import { PrepaidPeriodEnd } from './prepaid-period-end';

@Module({
  imports: [SubscriptionsModule, WebhooksModule, RecurringModule],
  providers: [DunningJob, PrepaidPeriodEnd],
})
export class DunningModule {}
