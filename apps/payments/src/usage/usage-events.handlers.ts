import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { LOGGER } from '@platform/bootstrap';
import {
  authContract,
  EVENT_NAMES,
  gatewayContract,
  recordingsContract,
  storageContract,
  type PlatformEventPayload as Event,
  type UsageMetric,
} from '@platform/contracts';
import { AmqpContext, contractHandlers } from '@platform/messaging';
import { processTenantEventOnce, TenantDatabase } from '@platform/tenancy';
import { BillingNotices } from '../mail/billing-notices';
import { UsageMeter } from './usage-meter.service';

const Gateway = contractHandlers(gatewayContract);
const Recordings = contractHandlers(recordingsContract);
const Storage = contractHandlers(storageContract);
const Auth = contractHandlers(authContract);

/**
 * Metering's consumers: each source event becomes one change of one counter. Every event is counted
 * once: its id is claimed in `processed_events` (per consumer) in the same tenant transaction as the
 * counter update, so a redelivery or an outbox re-publish changes nothing. Queues are derived
 * (`payments.<event>`). Alert emails are queued in the same transaction (BillingNotices).
 */
@Controller()
export class UsageEventsHandlers {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly meter: UsageMeter,
    private readonly notices: BillingNotices,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Gateway.EventPattern(EVENT_NAMES.apiUsageRecorded)
  onApiUsage(@Payload() event: Event<'gateway.api-usage.recorded'>, @Ctx() ctx: AmqpContext) {
    return this.count('payments.usage.api-calls', ctx, event.organizationId, 'apiCalls', event.calls);
  }

  @Recordings.EventPattern(EVENT_NAMES.recordingCreated)
  onRecordingCreated(@Payload() event: Event<'recordings.recording.created'>, @Ctx() ctx: AmqpContext) {
    return this.count('payments.usage.recording-created', ctx, event.organizationId, 'recordings', 1);
  }

  @Recordings.EventPattern(EVENT_NAMES.recordingDeleted)
  onRecordingDeleted(@Payload() event: Event<'recordings.recording.deleted'>, @Ctx() ctx: AmqpContext) {
    return this.count('payments.usage.recording-deleted', ctx, event.organizationId, 'recordings', -1);
  }

  @Storage.EventPattern(EVENT_NAMES.uploadCompleted)
  onUploadCompleted(@Payload() event: Event<'storage.upload.completed'>, @Ctx() ctx: AmqpContext) {
    return this.count(
      'payments.usage.upload-completed',
      ctx,
      event.organizationId,
      'storageBytes',
      event.sizeBytes,
    );
  }

  /** Only a completed object's bytes were counted; an abandoned upload's never were. */
  @Storage.EventPattern(EVENT_NAMES.objectDeleted)
  onObjectDeleted(@Payload() event: Event<'storage.object.deleted'>, @Ctx() ctx: AmqpContext) {
    const delta = event.completed ? -event.sizeBytes : 0;
    return this.count('payments.usage.object-deleted', ctx, event.organizationId, 'storageBytes', delta);
  }

  @Auth.EventPattern(EVENT_NAMES.memberJoined)
  onMemberJoined(@Payload() event: Event<'auth.member.joined'>, @Ctx() ctx: AmqpContext) {
    return this.count('payments.usage.member-joined', ctx, event.organizationId, 'members', 1);
  }

  @Auth.EventPattern(EVENT_NAMES.memberRemoved)
  onMemberRemoved(@Payload() event: Event<'auth.member.removed'>, @Ctx() ctx: AmqpContext) {
    return this.count('payments.usage.member-removed', ctx, event.organizationId, 'members', -1);
  }

  private async count(
    consumer: string,
    ctx: AmqpContext,
    organizationId: string,
    metric: UsageMetric,
    delta: number,
  ): Promise<void> {
    const event = ctx.event!;
    let alerts = 0;
    await processTenantEventOnce(this.tenants, consumer, event.id, organizationId, async (manager) => {
      if (delta === 0) return;
      const notices = await this.meter.record(manager, {
        organizationId,
        metric,
        delta,
        at: new Date(event.occurredAt),
      });
      await this.notices.queue(manager, organizationId, `${consumer}:${event.id}`, notices);
      alerts = notices.length;
    });
    if (alerts > 0) this.logger.info({ organizationId, metric, alerts }, 'usage alerts raised');
  }
}
