import { createReadStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { NotFoundError } from '@platform/errors';
import type { ByteRange, ObjectStore } from './object-store.port';
import { pathUnder } from './storage-key';

/**
 * Objects as files under `<root>/objects/<organizationId>/<objectId>`. Staging is on the same
 * filesystem, so promoting a finished upload is one rename (atomic, no copy).
 */
export class LocalObjectStore implements ObjectStore {
  readonly driver = 'local' as const;
  private readonly root: string;

  constructor(storageRoot: string) {
    this.root = join(storageRoot, 'objects');
  }

  async promote(stagedPath: string, key: string): Promise<void> {
    const target = pathUnder(this.root, key);
    await mkdir(dirname(target), { recursive: true });
    await rename(stagedPath, target);
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const path = pathUnder(this.root, key);
    try {
      await access(path);
    } catch {
      throw new NotFoundError('Object bytes', key.split('/')[1]);
    }
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async remove(key: string): Promise<void> {
    await rm(pathUnder(this.root, key), { force: true });
  }
}
