import { stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NotFoundError } from '@platform/errors';
import type { ByteRange, PresigningObjectStore } from './object-store.port';
import { assertStorageKey } from './storage-key';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  partSizeBytes: number;
}

/**
 * Objects in an S3 bucket (AWS or any S3-compatible endpoint) through the official SDK. A finished
 * upload is sent from its staged file with a multipart upload, one part at a time, each part a file
 * stream of known length: memory stays at the SDK's buffers whatever the object's size.
 */
export class S3ObjectStore implements PresigningObjectStore {
  readonly driver = 's3' as const;
  readonly client: S3Client;

  constructor(private readonly options: S3StoreOptions) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
      // Plain bodies with a Content-Length: trailing aws-chunked checksums are an AWS extension that
      // S3-compatible servers (MinIO versions, Spaces, s3rver) do not all speak.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private get bucket(): string {
    return this.options.bucket;
  }

  async promote(stagedPath: string, key: string, contentType: string): Promise<void> {
    assertStorageKey(key);
    const { size } = await stat(stagedPath);
    const partSize = this.options.partSizeBytes;
    if (size <= partSize) {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: createReadStream(stagedPath),
          ContentLength: size,
          ContentType: contentType,
        }),
      );
    } else {
      const uploadId = await this.createMultipartUpload(key, contentType);
      try {
        const parts: { partNumber: number; etag: string }[] = [];
        for (let start = 0, partNumber = 1; start < size; start += partSize, partNumber += 1) {
          const end = Math.min(size, start + partSize) - 1;
          const answer = await this.client.send(
            new UploadPartCommand({
              Bucket: this.bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber: partNumber,
              Body: createReadStream(stagedPath, { start, end }),
              ContentLength: end - start + 1,
            }),
          );
          parts.push({ partNumber, etag: answer.ETag ?? '' });
        }
        await this.completeMultipartUpload(key, uploadId, parts);
      } catch (error) {
        await this.abortMultipartUpload(key, uploadId).catch(() => undefined);
        throw error;
      }
    }
    await rm(stagedPath, { force: true });
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: assertStorageKey(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return answer.Body as Readable;
    } catch (error) {
      if (error instanceof NoSuchKey) throw new NotFoundError('Object bytes', key.split('/')[1]);
      throw error;
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: assertStorageKey(key) }),
      );
      return head.ContentLength ?? null;
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return null;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: assertStorageKey(key) }));
  }

  presignDownload(key: string, ttlSeconds: number, filename: string | null): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: assertStorageKey(key),
        ResponseContentDisposition: filename
          ? `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`
          : undefined,
      }),
      { expiresIn: ttlSeconds },
    );
  }

  async createMultipartUpload(key: string, contentType: string): Promise<string> {
    const answer = await this.client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: assertStorageKey(key),
        ContentType: contentType,
      }),
    );
    if (!answer.UploadId) throw new Error('S3 returned no UploadId');
    return answer.UploadId;
  }

  presignPart(key: string, uploadId: string, partNumber: number, ttlSeconds: number): Promise<string> {
    return getSignedUrl(
      this.client,
      new UploadPartCommand({
        Bucket: this.bucket,
        Key: assertStorageKey(key),
        UploadId: uploadId,
        PartNumber: partNumber,
      }),
      { expiresIn: ttlSeconds },
    );
  }

  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: { partNumber: number; etag: string }[],
  ): Promise<void> {
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: assertStorageKey(key),
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [...parts]
            .sort((a, b) => a.partNumber - b.partNumber)
            .map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })),
        },
      }),
    );
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    await this.client.send(
      new AbortMultipartUploadCommand({
        Bucket: this.bucket,
        Key: assertStorageKey(key),
        UploadId: uploadId,
      }),
    );
  }
}
