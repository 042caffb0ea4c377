// s3rver ships no types: its declaration travels with this file, so any program that compiles
// fake-s3.ts (e.g. a generated service's tsconfig) gets it, not only the root tsconfig.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module declaration cannot be imported
/// <reference path="./s3rver.d.ts" />
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { MultipartAbortFront } from './multipart-abort-front';

export interface FakeS3 {
  /** http://127.0.0.1:<port>: STORAGE_S3_ENDPOINT (path-style). */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Upload ids of multipart uploads aborted through the fake (AbortMultipartUpload answered 204). */
  abortedUploads: ReadonlySet<string>;
  /** The env of a service whose S3 driver should talk to this fake. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A local S3-compatible server (s3rver: the S3 REST API over HTTP, objects in a temp directory) for
 * the storage service's S3 driver, reached with the real @aws-sdk/client-s3 — PutObject, ranged
 * GetObject, multipart upload and presigned (query-string SigV4) URLs all work against it. It checks
 * the shape of requests, not signatures: auth failures are AWS's to test, not ours.
 */
export async function startFakeS3(bucket = 'platform-storage-test'): Promise<FakeS3> {
  const directory = await mkdtemp(join(tmpdir(), 'fake-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port: s3rverPort } = await server.run();
  // In front of s3rver, for the one multipart call it lacks (AbortMultipartUpload).
  const front = new MultipartAbortFront(s3rverPort);
  const port = await front.listen();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver's fixed development credentials.
  const accessKeyId = 'S3RVER';
  const secretAccessKey = 'S3RVER';
  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    env: {
      STORAGE_DRIVER: 's3',
      STORAGE_S3_BUCKET: bucket,
      STORAGE_S3_ENDPOINT: endpoint,
      STORAGE_S3_REGION: 'us-east-1',
      STORAGE_S3_FORCE_PATH_STYLE: 'true',
      STORAGE_S3_ACCESS_KEY_ID: accessKeyId,
      STORAGE_S3_SECRET_ACCESS_KEY: secretAccessKey,
    },
    abortedUploads: front.aborted,
    async stop() {
      await front.close();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
