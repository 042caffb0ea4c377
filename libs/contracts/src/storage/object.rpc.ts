import { z } from 'zod';
import { pageRequestSchema, pageResultSchema } from '../rpc/pagination';

/**
 * The object section of the storage contract: `storage.object.<verb>`. Objects are created only by
 * uploads (tus, chunks, single-shot or presigned multipart), never by an RPC with bytes: bytes never
 * travel through RabbitMQ.
 */
export const OBJECT_RPC = {
  get: 'storage.object.get',
  list: 'storage.object.list',
  delete: 'storage.object.delete',
  downloadUrl: 'storage.object.download-url',
} as const;

/** `deleted`: a tombstone kept after its recording's deletion (bytes gone; signed links answer 410). */
export const OBJECT_STATUSES = ['uploading', 'completed', 'deleted'] as const;
export type ObjectStatus = (typeof OBJECT_STATUSES)[number];

/** A stored object (or an upload still in progress) as callers see it. */
export const objectSchema = z.object({
  id: z.string().uuid(),
  recordingId: z.string().uuid().nullable(),
  status: z.enum(OBJECT_STATUSES),
  /** The declared total size (tus Upload-Length); null while a chunked upload is not finalized. */
  sizeBytes: z.number().int().nonnegative().nullable(),
  receivedBytes: z.number().int().nonnegative(),
  /** Detected from the bytes (magic numbers), never taken from the client's claim. */
  contentType: z.string().nullable(),
  /** Hex SHA-256 of the whole object, once completed. */
  sha256: z.string().nullable(),
  filename: z.string().nullable(),
  createdAt: z.string().datetime(),
  completedAt: z.string().datetime().nullable(),
});
export type ObjectDto = z.infer<typeof objectSchema>;

const objectId = z.object({ id: z.string().uuid() });

export const objectRpc = {
  [OBJECT_RPC.get]: { request: objectId, result: objectSchema },
  /** Oldest first, one keyset page (`limit`, `cursor` → `items`, `nextCursor`). */
  [OBJECT_RPC.list]: { request: pageRequestSchema, result: pageResultSchema(objectSchema) },
  /** Removes the record and its bytes (an upload in progress is terminated). */
  [OBJECT_RPC.delete]: { request: objectId, result: z.object({ deleted: z.literal(true) }) },
  /**
   * A short-lived download URL of a completed object: an S3 presigned GET with the S3 driver, else a
   * storage URL signed with HMAC (`/v1/downloads/:id?expires=&signature=`). Both honour Range.
   */
  [OBJECT_RPC.downloadUrl]: {
    request: objectId,
    result: z.object({ url: z.string().min(1), expiresAt: z.string().datetime() }),
  },
} as const;
