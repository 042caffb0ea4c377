import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { InvoicesModule } from '../invoices/invoices.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { ThreeDsContinuation } from '../azul-payments/three-ds-continuation';
import { FallbackCardRecorder } from '../fallback-card/fallback-card.recorder';
import { SubscriptionLifecycle } from '../subscriptions/subscription-lifecycle';
import { BillingEventApplier } from './billing-event.applier';
import { DirectChargeApplier } from './direct-charge.applier';
import { keepRawBodyForWebhooks } from './raw-webhook-body';
import { WebhookController } from './webhook.controller';
import { WebhookInbox } from './webhook-inbox';
import { WebhookInboxProcessor } from './webhook-inbox.processor';
import { WebhookInboxPruner } from './webhook-inbox.pruner';

@Module({
  imports: [SubscriptionsModule, InvoicesModule],
  controllers: [WebhookController],
  providers: [
    WebhookInbox,
    WebhookInboxProcessor,
    WebhookInboxPruner,
    BillingEventApplier,
    DirectChargeApplier,
    SubscriptionLifecycle,
    ThreeDsContinuation,
    FallbackCardRecorder,
  ],
  exports: [BillingEventApplier, DirectChargeApplier, SubscriptionLifecycle],
})
export class WebhooksModule implements OnModuleInit {
  constructor(private readonly http: HttpAdapterHost) {}

  onModuleInit(): void {
    keepRawBodyForWebhooks(this.http.httpAdapter.getInstance<FastifyInstance>());
  }
}
