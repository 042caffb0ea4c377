import type { Readable } from 'node:stream';

/** Inclusive byte range, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PresignedPart {
  partNumber: number;
  url: string;
}

/**
 * Where completed objects live. Business code talks only to this port; `local` (a directory) and
 * `s3` (any S3-compatible endpoint) implement it. Uploads in progress are staged on local disk
 * (UploadStaging) whatever the driver, and `promote` moves a finished one into the store.
 */
export interface ObjectStore {
  readonly driver: 'local' | 's3';
  /** Moves a finished staged file into the store under `key` (the staged file is gone afterwards). */
  promote(stagedPath: string, key: string, contentType: string): Promise<void>;
  /** The object's bytes (or a range of them), streamed. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Removes the object; absent is not an error. */
  remove(key: string): Promise<void>;
}

/** What only the S3 driver can do: let clients talk to the bucket directly with signed URLs. */
export interface PresigningObjectStore extends ObjectStore {
  readonly driver: 's3';
  presignDownload(key: string, ttlSeconds: number, filename: string | null): Promise<string>;
  createMultipartUpload(key: string, contentType: string): Promise<string>;
  presignPart(key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string>;
  completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: { partNumber: number; etag: string }[],
  ): Promise<void>;
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
  /** Size in bytes, or null when absent. */
  size(key: string): Promise<number | null>;
}

export const OBJECT_STORE = Symbol('OBJECT_STORE');

export function canPresign(store: ObjectStore): store is PresigningObjectStore {
  return store.driver === 's3';
}
