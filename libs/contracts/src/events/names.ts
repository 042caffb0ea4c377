/**
 * Events: routing key `<service>.<entity>.<past tense>` on the durable topic exchange
 * `platform.events`. Values are wire names — never rename one without a migration plan.
 */
export const EVENTS_EXCHANGE = 'platform.events';

export const EVENT_ROUTING_KEY_REGEX = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

export const EVENT_NAMES = {
  organizationCreated: 'auth.organization.created',
  memberJoined: 'auth.member.joined',
  /** A membership ended (removed, or the member left): metering counts members from these two. */
  memberRemoved: 'auth.member.removed',
  subscriptionActivated: 'payments.subscription.activated',
  uploadCompleted: 'storage.upload.completed',
  /** An object's row is gone (its bytes no longer count against the quota). */
  objectDeleted: 'storage.object.deleted',
  // Metering (issue 9): what payments counts into per-period usage.
  recordingCreated: 'recordings.recording.created',
  recordingDeleted: 'recordings.recording.deleted',
  /** The gateway's admitted requests of one organization over a flush window (never one per request). */
  apiUsageRecorded: 'gateway.api-usage.recorded',
  /** An API key stopped working (revoked by hand, or with its creator's membership): gateways drop it from their caches. */
  apiKeyRevoked: 'auth.api-key.revoked',
  // payments (H4): the subscription lifecycle and usage alerts.
  subscriptionChanged: 'payments.subscription.changed',
  subscriptionCancelled: 'payments.subscription.cancelled',
  subscriptionSuspended: 'payments.subscription.suspended',
  subscriptionReactivated: 'payments.subscription.reactivated',
  usageThresholdReached: 'payments.usage.threshold-reached',
  /** Payments' durable billing emails (its own consumer sends them): see billingNoticeRequestedSchema. */
  billingNoticeRequested: 'payments.billing-notice.requested',
  // Recording pipeline (issue 10): recordings hands a recording to the audio worker, which reports back.
  // The worker's events carry its service name, as every routing key does (`audio-worker.`, not `audio.`).
  analysisRequested: 'recordings.analysis.requested',
  analysisProgressed: 'audio-worker.analysis.progressed',
  analysisCompleted: 'audio-worker.analysis.completed',
  analysisFailed: 'audio-worker.analysis.failed',
} as const;
export type EventName = (typeof EVENT_NAMES)[keyof typeof EVENT_NAMES];
