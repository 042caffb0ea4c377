import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { ForbiddenError } from '@platform/errors';
import type { StorageEnv } from '../config/storage-env.schema';

/**
 * The local driver's download links: `/v1/downloads/:id?expires=<unix s>&signature=<HMAC-SHA256>`
 * over the object id and the expiry. The link is the credential (an <audio src> sends no token), so
 * it is short-lived and bound to one object. Without STORAGE_DOWNLOAD_URL_SECRET (development only;
 * production refuses to start) a random key per process is used: links die with the process.
 */
@Injectable()
export class SignedDownloadUrl {
  private readonly key: Buffer;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: StorageEnv) {
    this.key = config.STORAGE_DOWNLOAD_URL_SECRET
      ? Buffer.from(config.STORAGE_DOWNLOAD_URL_SECRET)
      : randomBytes(32);
  }

  get ttlSeconds(): number {
    return this.config.STORAGE_SIGNED_URL_TTL_SECONDS;
  }

  private signature(objectId: string, expires: number): Buffer {
    return createHmac('sha256', this.key).update(`download:${objectId}:${expires}`).digest();
  }

  create(objectId: string, now = new Date()): { url: string; expiresAt: Date } {
    const expires = Math.floor(now.getTime() / 1000) + this.config.STORAGE_SIGNED_URL_TTL_SECONDS;
    const signature = this.signature(objectId, expires).toString('base64url');
    const url = new URL(`/v1/downloads/${objectId}`, this.config.STORAGE_PUBLIC_BASE_URL);
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('signature', signature);
    return { url: url.toString(), expiresAt: new Date(expires * 1000) };
  }

  /** FORBIDDEN for a forged, altered or expired link (one answer: the caller learns nothing more). */
  verify(objectId: string, expires: unknown, signature: unknown, now = new Date()): void {
    const seconds = typeof expires === 'string' && /^\d{1,12}$/.test(expires) ? Number(expires) : NaN;
    const given = typeof signature === 'string' ? Buffer.from(signature, 'base64url') : Buffer.alloc(0);
    const wanted = Number.isFinite(seconds) ? this.signature(objectId, seconds) : Buffer.alloc(32);
    const valid = given.length === wanted.length && timingSafeEqual(given, wanted);
    if (!valid || !(seconds * 1000 > now.getTime()))
      throw new ForbiddenError('The download link is invalid or has expired');
  }
}
