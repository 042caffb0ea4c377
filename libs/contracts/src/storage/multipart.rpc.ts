import { z } from 'zod';
import { objectSchema } from './object.rpc';

/**
 * Presigned S3 multipart upload (`storage.multipart.<verb>`) for clients that can send bytes to S3
 * themselves: storage reserves the quota and signs part URLs; the bytes never pass through the
 * platform. Only with the S3 driver (501 NOT_IMPLEMENTED with the local one).
 */
export const MULTIPART_RPC = {
  initiate: 'storage.multipart.initiate',
  partUrls: 'storage.multipart.part-urls',
  complete: 'storage.multipart.complete',
  abort: 'storage.multipart.abort',
} as const;

/**
 * Parts of one presigned upload. S3 allows 10,000; we hand out at most 200 (parts grow instead, up to
 * S3's 5 GiB per part), so a complete with every part's ETag fits the gateway's 16 KiB JSON bodies.
 */
export const MULTIPART_MAX_PARTS = 200;

const partNumbers = z.array(z.number().int().min(1).max(MULTIPART_MAX_PARTS)).min(1).max(100);
const partUrl = z.object({ partNumber: z.number().int(), url: z.string().url() });

export const multipartRpc = {
  [MULTIPART_RPC.initiate]: {
    request: z.object({
      /** The whole object's size: checked against the plan's storage quota now, and on complete. */
      sizeBytes: z.number().int().positive(),
      recordingId: z.string().uuid().optional(),
      filename: z.string().max(255).optional(),
    }),
    result: z.object({
      objectId: z.string().uuid(),
      partSizeBytes: z.number().int().positive(),
      partCount: z.number().int().positive(),
      expiresAt: z.string().datetime(),
    }),
  },
  [MULTIPART_RPC.partUrls]: {
    request: z.object({ objectId: z.string().uuid(), partNumbers }),
    result: z.object({ parts: z.array(partUrl), expiresAt: z.string().datetime() }),
  },
  [MULTIPART_RPC.complete]: {
    request: z.object({
      objectId: z.string().uuid(),
      parts: z
        .array(
          z.object({
            partNumber: z.number().int().min(1).max(MULTIPART_MAX_PARTS),
            etag: z.string().min(1).max(80),
          }),
        )
        .min(1)
        .max(MULTIPART_MAX_PARTS),
    }),
    result: objectSchema,
  },
  [MULTIPART_RPC.abort]: {
    request: z.object({ objectId: z.string().uuid() }),
    result: z.object({ aborted: z.literal(true) }),
  },
} as const;
