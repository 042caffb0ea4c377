import { z } from 'zod';
import { EVENT_NAMES } from './names';
import { PLAN_CODES } from '../billing/plans';
import { USAGE_METRICS } from '../billing/usage';
import { billingNoticeRequestedSchema } from '../payments/billing-notice';
import {
  AUDIO_ANALYSIS_FAILURES,
  AUDIO_ANALYSIS_STAGES,
  audioAnalysisSchema,
} from '../audio-worker/audio-analysis';

/** Every event carries its tenant; consumers still re-check it against their own data. */
const tenantEvent = z.object({ organizationId: z.string().min(1) });

export const eventPayloadSchemas = {
  [EVENT_NAMES.organizationCreated]: tenantEvent.extend({
    name: z.string(),
    ownerUserId: z.string(),
    /** The plan it starts on (an organization code's); events written before this field: FREE. */
    plan: z.enum(PLAN_CODES).optional(),
  }),
  [EVENT_NAMES.memberJoined]: tenantEvent.extend({ userId: z.string(), role: z.string() }),
  [EVENT_NAMES.memberRemoved]: tenantEvent.extend({ userId: z.string() }),
  [EVENT_NAMES.objectDeleted]: tenantEvent.extend({
    objectId: z.string().uuid(),
    /** The object's bytes; they counted as stored only when `completed` (a finished upload). */
    sizeBytes: z.number().int().nonnegative(),
    completed: z.boolean(),
  }),
  [EVENT_NAMES.recordingCreated]: tenantEvent.extend({ recordingId: z.string().uuid() }),
  /**
   * Written with the soft delete (recordings' outbox). Consumers: payments (metering) and storage,
   * which deletes the recording's object, found by (organization, recordingId).
   */
  [EVENT_NAMES.recordingDeleted]: tenantEvent.extend({ recordingId: z.string().uuid() }),
  [EVENT_NAMES.apiUsageRecorded]: tenantEvent.extend({
    /** Requests admitted for the organization during the window (at least one, or nothing is sent). */
    calls: z.number().int().positive(),
    windowStart: z.string().datetime(),
    windowEnd: z.string().datetime(),
  }),
  [EVENT_NAMES.subscriptionActivated]: tenantEvent.extend({ plan: z.enum(PLAN_CODES) }),
  [EVENT_NAMES.uploadCompleted]: tenantEvent.extend({
    /** = objectId (kept for consumers written against the first payload). */
    uploadId: z.string(),
    sizeBytes: z.number().int().nonnegative(),
    objectId: z.string().uuid(),
    /** The recording the bytes belong to, when the upload named one. */
    recordingId: z.string().uuid().nullable(),
    /** Detected from the bytes (magic numbers). */
    contentType: z.string(),
    /** Hex SHA-256 of the whole object. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  /** recordings → audio worker: analyse this object of this recording (via recordings' outbox). */
  [EVENT_NAMES.analysisRequested]: tenantEvent.extend({
    recordingId: z.string().uuid(),
    /** Storage's object id: its bytes are `<organizationId>/<objectId>` in storage. */
    objectId: z.string().uuid(),
    contentType: z.string().nullable(),
    sizeBytes: z.number().int().nonnegative(),
  }),
  [EVENT_NAMES.analysisProgressed]: tenantEvent.extend({
    recordingId: z.string().uuid(),
    stage: z.enum(AUDIO_ANALYSIS_STAGES),
    percent: z.number().int().min(0).max(100),
  }),
  [EVENT_NAMES.analysisCompleted]: tenantEvent.extend({
    recordingId: z.string().uuid(),
    analysis: audioAnalysisSchema,
  }),
  [EVENT_NAMES.analysisFailed]: tenantEvent.extend({
    recordingId: z.string().uuid(),
    code: z.enum(AUDIO_ANALYSIS_FAILURES),
    reason: z.string().min(1).max(1000),
    attempts: z.number().int().positive(),
  }),
  [EVENT_NAMES.apiKeyRevoked]: tenantEvent.extend({
    apiKeyId: z.string().min(1),
    reason: z.enum(['revoked', 'membership-ended']),
  }),
  // payments (H4). `plan` is what the organization has from now on (FREE once cancelled).
  [EVENT_NAMES.subscriptionChanged]: tenantEvent.extend({
    plan: z.enum(PLAN_CODES),
    previousPlan: z.enum(PLAN_CODES),
  }),
  [EVENT_NAMES.subscriptionCancelled]: tenantEvent.extend({
    plan: z.literal('FREE'),
    previousPlan: z.enum(PLAN_CODES),
  }),
  /** Unpaid after the last dunning retry: the gateway answers 402 until reactivated. */
  [EVENT_NAMES.subscriptionSuspended]: tenantEvent.extend({
    plan: z.enum(PLAN_CODES),
    suspendedAt: z.string().datetime(),
  }),
  [EVENT_NAMES.subscriptionReactivated]: tenantEvent.extend({
    plan: z.enum(PLAN_CODES),
    reactivatedAt: z.string().datetime(),
  }),
  [EVENT_NAMES.usageThresholdReached]: tenantEvent.extend({
    plan: z.enum(PLAN_CODES),
    /** The metric (USAGE_METRICS) whose plan limit was reached. */
    limit: z.enum(USAGE_METRICS),
    periodStart: z.string().datetime(),
    periodEnd: z.string().datetime(),
    thresholdPercent: z.union([z.literal(80), z.literal(100)]),
    usage: z.number().nonnegative(),
    max: z.number().nonnegative(),
  }),
  [EVENT_NAMES.billingNoticeRequested]: billingNoticeRequestedSchema,
} as const;

export type EventPayloads = {
  [K in keyof typeof eventPayloadSchemas]: z.infer<(typeof eventPayloadSchemas)[K]>;
};

/** The envelope of every event message body. `id` is unique per event and is the dedup key. */
export interface EventEnvelope<TPayload = unknown> {
  id: string;
  name: string;
  occurredAt: string;
  payload: TPayload;
}
