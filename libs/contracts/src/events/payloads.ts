import { z } from 'zod';
import { EVENT_NAMES } from './names';
import { PLAN_CODES } from '../billing/plans';

/** Every event carries its tenant; consumers still re-check it against their own data. */
const tenantEvent = z.object({ organizationId: z.string().min(1) });

export const eventPayloadSchemas = {
  [EVENT_NAMES.organizationCreated]: tenantEvent.extend({ name: z.string(), ownerUserId: z.string() }),
  [EVENT_NAMES.memberJoined]: tenantEvent.extend({ userId: z.string(), role: z.string() }),
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
