import { Module } from '@nestjs/common';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DunningJob } from './dunning.job';

@Module({
  imports: [SubscriptionsModule, WebhooksModule],
  providers: [DunningJob],
})
export class DunningModule {}
