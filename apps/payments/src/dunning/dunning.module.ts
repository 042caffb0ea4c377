import { Module } from '@nestjs/common';
import { RecurringModule } from '../recurring/recurring.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DunningJob } from './dunning.job';
import { PrepaidPeriodEndJob } from './prepaid-period-end.job';

@Module({
  imports: [SubscriptionsModule, WebhooksModule, RecurringModule],
  providers: [DunningJob, PrepaidPeriodEndJob],
})
export class DunningModule {}
