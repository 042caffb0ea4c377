import { z } from 'zod';
import { audioAnalysisSchema } from '../audio-worker/audio-analysis';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../rpc/pagination';
import { plainText } from '../text/plain-text';

/** The recording section of the recordings contract: `recordings.recording.<verb>`. */
export const RECORDING_RPC = {
  create: 'recordings.recording.create',
  get: 'recordings.recording.get',
  list: 'recordings.recording.list',
  update: 'recordings.recording.update',
  delete: 'recordings.recording.delete',
  analysis: 'recordings.recording.analysis',
  status: 'recordings.recording.status',
} as const;

/** UPLOADING → UPLOADED → PROCESSING → READY | FAILED (FAILED may go back to PROCESSING on a re-run). */
export const RECORDING_STATUSES = ['UPLOADING', 'UPLOADED', 'PROCESSING', 'READY', 'FAILED'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export const RECORDING_SORTS = [
  'createdAt',
  '-createdAt',
  'title',
  '-title',
  'durationSeconds',
  '-durationSeconds',
  'sizeBytes',
  '-sizeBytes',
] as const;
export type RecordingSort = (typeof RECORDING_SORTS)[number];

export const RECORDING_TAGS_MAX = 20;
export const RECORDING_METADATA_KEYS_MAX = 50;

/** Lower-case words, digits, `-`, `_`, `:`: tags are for filtering, so they have one spelling. */
const tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_:-]*$/, 'must be lower-case letters, digits, "-", "_" or ":"');

const tags = z
  .array(tag)
  .max(RECORDING_TAGS_MAX)
  .transform((list) => [...new Set(list)]);

/** Flat key → scalar metadata (what a client needs to find its own context: call id, agent, campaign). */
const metadata = z
  .record(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'keys are letters, digits, "_", ".", ":" or "-"'),
    z.union([z.string().max(1000), z.number().finite(), z.boolean(), z.null()]),
  )
  .refine((value) => Object.keys(value).length <= RECORDING_METADATA_KEYS_MAX, {
    message: `at most ${RECORDING_METADATA_KEYS_MAX} keys`,
  });

const id = z.object({ id: z.string().uuid() });

/** A recording as callers see it (the analysis has its own route: it is large). */
export const recordingSchema = z.object({
  id: z.string().uuid(),
  title: z.string(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** The member who created it; null when an API key or an organization code without x-user-id did. */
  ownerUserId: z.string().uuid().nullable(),
  status: z.enum(RECORDING_STATUSES),
  /** 0..100 while PROCESSING, 100 once READY, null before processing starts. */
  progress: z.number().int().min(0).max(100).nullable(),
  sizeBytes: z.number().int().nonnegative().nullable(),
  durationSeconds: z.number().nonnegative().nullable(),
  contentType: z.string().nullable(),
  /** Why the analysis failed (FAILED only). */
  failureReason: z.string().nullable(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});
export type RecordingDto = z.infer<typeof recordingSchema>;

export const recordingStatusSchema = z.object({
  recordingId: z.string().uuid(),
  status: z.enum(RECORDING_STATUSES),
  progress: z.number().int().min(0).max(100).nullable(),
  failureReason: z.string().nullable(),
  updatedAt: z.string().datetime(),
});

/** Comma-separated in a query string (`?tags=a,b`), an array over RPC: both reach the handler as an array. */
const tagFilter = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value),
  tags.pipe(z.array(z.string()).min(1)),
);

/** What PATCH may change; `metadata` replaces the whole object. */
const recordingChanges = {
  title: plainText({ max: 200 }).optional(),
  tags: tags.optional(),
  metadata: metadata.optional(),
};

function atLeastOneChange<T extends z.ZodObject<typeof recordingChanges>>(schema: T): T {
  return schema.refine((v) => v.title !== undefined || v.tags !== undefined || v.metadata !== undefined, {
    message: 'give at least one of title, tags, metadata',
  });
}

/** The body of PATCH /v1/recordings/:id (the id travels in the path). */
export const recordingUpdateBodySchema = atLeastOneChange(z.object(recordingChanges));

const listRequest = z
  .object({
    limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
    cursor: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')
      .optional(),
    status: z.enum(RECORDING_STATUSES).optional(),
    /** Recordings that carry every one of these tags. */
    tags: tagFilter.optional(),
    /** Case-insensitive substring of the title. */
    q: plainText({ max: 200 }).optional(),
    createdFrom: z.string().datetime({ offset: true }).optional(),
    createdTo: z.string().datetime({ offset: true }).optional(),
    sort: z.enum(RECORDING_SORTS).default('-createdAt'),
  })
  .refine((value) => !value.createdFrom || !value.createdTo || value.createdFrom <= value.createdTo, {
    message: 'createdFrom must not be after createdTo',
    path: ['createdTo'],
  });

export const recordingRpc = {
  /** Refused with 403 PLAN_LIMIT_REACHED once the organization holds its plan's maxRecordings. */
  [RECORDING_RPC.create]: {
    request: z.object({
      title: plainText({ max: 200 }),
      tags: tags.default([]),
      metadata: metadata.default({}),
    }),
    result: recordingSchema,
  },
  [RECORDING_RPC.get]: { request: id, result: recordingSchema },
  /**
   * One keyset page of the organization's recordings (deleted ones never), filtered and sorted
   * (`sort`: a field, `-` for descending; default newest first). A cursor belongs to its sort.
   */
  [RECORDING_RPC.list]: {
    request: listRequest,
    result: z.object({ items: z.array(recordingSchema), nextCursor: z.string().nullable() }),
  },
  [RECORDING_RPC.update]: {
    request: atLeastOneChange(id.extend(recordingChanges)),
    result: recordingSchema,
  },
  /** Soft delete: the recording disappears from every read and stops counting against the plan. */
  [RECORDING_RPC.delete]: { request: id, result: z.object({ deleted: z.literal(true) }) },
  /** The worker's analysis; 409 CONFLICT until the recording is READY (its status says why). */
  [RECORDING_RPC.analysis]: {
    request: id,
    result: z.object({ recordingId: z.string().uuid(), analysis: audioAnalysisSchema }),
  },
  [RECORDING_RPC.status]: {
    request: z.object({ recordingId: z.string().uuid() }),
    result: recordingStatusSchema,
  },
} as const;
