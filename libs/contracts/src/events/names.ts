/**
 * Events: routing key `<service>.<entity>.<past tense>` on the durable topic exchange
 * `platform.events`. Values are wire names — never rename one without a migration plan.
 */
export const EVENTS_EXCHANGE = 'platform.events';

export const EVENT_ROUTING_KEY_REGEX = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

export const EVENT_NAMES = {
  organizationCreated: 'auth.organization.created',
  memberJoined: 'auth.member.joined',
  subscriptionActivated: 'payments.subscription.activated',
  uploadCompleted: 'storage.upload.completed',
  /** An API key stopped working (revoked by hand, or with its creator's membership): gateways drop it from their caches. */
  apiKeyRevoked: 'auth.api-key.revoked',
  // payments (H4): the subscription lifecycle and usage alerts.
  subscriptionChanged: 'payments.subscription.changed',
  subscriptionCancelled: 'payments.subscription.cancelled',
  subscriptionSuspended: 'payments.subscription.suspended',
  subscriptionReactivated: 'payments.subscription.reactivated',
  usageThresholdReached: 'payments.usage.threshold-reached',
  // Recording pipeline (issue 10): recordings hands a recording to the audio worker, which reports back.
  // The worker's events carry its service name, as every routing key does (`audio-worker.`, not `audio.`).
  analysisRequested: 'recordings.analysis.requested',
  /** A recording was (soft) deleted: storage deletes its object's bytes (issue 10). */
  recordingDeleted: 'recordings.recording.deleted',
  analysisProgressed: 'audio-worker.analysis.progressed',
  analysisCompleted: 'audio-worker.analysis.completed',
  analysisFailed: 'audio-worker.analysis.failed',
} as const;
export type EventName = (typeof EVENT_NAMES)[keyof typeof EVENT_NAMES];
