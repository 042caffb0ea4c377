import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@platform/redis';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { ConflictError } from '@platform/errors';
import type { StorageEnv } from '../config/storage-env.schema';

/** Deletes the lock only if it is still ours (an expired lock may belong to the next writer). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
/** Extends the lock only if it is still ours. */
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;

/**
 * One writer per upload across replicas: a second PATCH/chunk to the same upload while one streams
 * would interleave bytes at the same offset. The lock lives in Redis (not a row lock: a database
 * transaction must not stay open for the minutes a large request can take). It lives two idle
 * timeouts and is extended while the request runs, so a crashed replica holds it briefly only.
 */
@Injectable()
export class UploadLock {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: StorageEnv,
  ) {}

  async withLock<T>(objectId: string, work: () => Promise<T>): Promise<T> {
    const key = `storage:upload-lock:${objectId}`;
    const token = randomUUID();
    const ttlMs = 2 * this.config.STORAGE_UPLOAD_IDLE_TIMEOUT_MS;
    const taken = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    if (taken !== 'OK') throw new ConflictError('Another request is writing this upload', { objectId });
    const keepAlive = setInterval(() => {
      this.redis.eval(EXTEND, 1, key, token, String(ttlMs)).catch(() => undefined);
    }, ttlMs / 4);
    try {
      return await work();
    } finally {
      clearInterval(keepAlive);
      await this.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }
}
