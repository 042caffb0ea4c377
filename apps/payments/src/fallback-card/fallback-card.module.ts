import { Module } from '@nestjs/common';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { FallbackCardHandlers } from './fallback-card.handlers';
import { FallbackCardService } from './fallback-card.service';

/** Saving a backup card for AZUL's monthly charge (FallbackCardRecorder lives with the webhook applier). */
@Module({
  imports: [SubscriptionsModule],
  controllers: [FallbackCardHandlers],
  providers: [FallbackCardService],
})
export class FallbackCardModule {}
