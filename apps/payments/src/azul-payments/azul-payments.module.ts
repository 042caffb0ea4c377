import { Module } from '@nestjs/common';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AzulPaymentHandlers } from './azul-payment.handlers';
import { AzulPaymentService } from './azul-payment.service';

/** Customer-present AZUL payments (the ThreeDsContinuation lives with the webhook applier that runs it). */
@Module({
  imports: [SubscriptionsModule, WebhooksModule],
  controllers: [AzulPaymentHandlers],
  providers: [AzulPaymentService],
  exports: [AzulPaymentService],
})
export class AzulPaymentsModule {}
