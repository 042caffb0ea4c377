import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm, stat, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathUnder } from './storage-key';

/**
 * Uploads in progress, on local disk under `<root>/staging`, whatever the object driver: a tus or
 * chunked upload appends at an offset across many requests, which S3 cannot do below 5 MiB parts.
 * Every write streams (a fixed-size pipe buffer), so memory does not grow with the upload.
 */
export class UploadStaging {
  private readonly root: string;

  constructor(storageRoot: string) {
    this.root = join(storageRoot, 'staging');
  }

  pathOf(key: string): string {
    return pathUnder(this.root, key);
  }

  /** Creates the empty file of a new upload (exclusive: a key is never reused). */
  async create(key: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await (await open(path, 'wx')).close();
  }

  /**
   * Writes `body` at `offset` through `transforms` (counting, hashing, sniffing). Resolves with the
   * bytes written; rejects with the first error of the pipeline (the caller decides what to keep).
   */
  async append(key: string, offset: number, body: Readable, transforms: Transform[]): Promise<number> {
    const target = createWriteStream(this.pathOf(key), { flags: 'r+', start: offset });
    try {
      await pipeline([body, ...transforms, target]);
    } finally {
      target.destroy();
    }
    return target.bytesWritten;
  }

  /** Cuts the file back to `length` (a PATCH whose bytes cannot be kept). */
  async truncate(key: string, length: number): Promise<void> {
    await truncate(this.pathOf(key), length);
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      return null;
    }
  }

  read(key: string, options: { start?: number; end?: number } = {}): Readable {
    return createReadStream(this.pathOf(key), options);
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
