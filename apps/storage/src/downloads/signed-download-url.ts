import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { ForbiddenError } from '@platform/errors';
import type { StorageEnv } from '../config/storage-env.schema';
import { DownloadLinkExpiredError } from '../shared/storage.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a verified link grants: one object of one organization. */
export interface SignedObject {
  organizationId: string;
  objectId: string;
}

/**
 * The local driver's download links: `/v1/downloads/:id?org=<organization>&expires=<unix s>&signature=`
 * with `signature` = base64url HMAC-SHA256 over `download:v2:<organization>:<id>:<expires>`. The link
 * is the credential (an <audio src> sends no token; the gateway forwards it with no principal), so
 * it is short-lived and binds the object AND its organization: the lookup then runs in that
 * organization's tenant (RLS), and changing either id breaks the signature. Without
 * STORAGE_DOWNLOAD_URL_SECRET (development only; production refuses to start) a random key per
 * process is used: links die with the process. The format is a contract with the audio worker
 * (`apps/audio-worker/src/source/signed-storage-link.resolver.ts`).
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

  private signature(target: SignedObject, expires: number): Buffer {
    return createHmac('sha256', this.key)
      .update(`download:v2:${target.organizationId}:${target.objectId}:${expires}`)
      .digest();
  }

  create(target: SignedObject, now = new Date()): { url: string; expiresAt: Date } {
    const expires = Math.floor(now.getTime() / 1000) + this.config.STORAGE_SIGNED_URL_TTL_SECONDS;
    const signature = this.signature(target, expires).toString('base64url');
    const url = new URL(`/v1/downloads/${target.objectId}`, this.config.STORAGE_PUBLIC_BASE_URL);
    url.searchParams.set('org', target.organizationId);
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('signature', signature);
    return { url: url.toString(), expiresAt: new Date(expires * 1000) };
  }

  /**
   * The object the link grants. FORBIDDEN for a forged or altered link (object, organization, expiry
   * or signature changed: one answer, the caller learns nothing more); DOWNLOAD_LINK_EXPIRED (410)
   * only for a genuine link past its expiry, so its holder knows to ask for a new one.
   */
  verify(objectId: string, query: Record<string, unknown>, now = new Date()): SignedObject {
    const { org, expires, signature } = query;
    const organizationId = typeof org === 'string' && UUID.test(org) ? org : null;
    const seconds = typeof expires === 'string' && /^\d{1,12}$/.test(expires) ? Number(expires) : NaN;
    const given = typeof signature === 'string' ? Buffer.from(signature, 'base64url') : Buffer.alloc(0);
    const target = { organizationId: organizationId ?? '', objectId };
    const wanted =
      organizationId && UUID.test(objectId) && Number.isFinite(seconds)
        ? this.signature(target, seconds)
        : Buffer.alloc(32);
    const valid =
      organizationId !== null &&
      Number.isFinite(seconds) &&
      given.length === wanted.length &&
      timingSafeEqual(given, wanted);
    if (!valid) throw new ForbiddenError('The download link is invalid');
    if (!(seconds * 1000 > now.getTime())) throw new DownloadLinkExpiredError(new Date(seconds * 1000));
    return target;
  }
}
