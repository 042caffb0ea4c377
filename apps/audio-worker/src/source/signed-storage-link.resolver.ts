import { createHmac } from 'node:crypto';
import type { AudioObjectRef } from './audio-source.port';
import { DownloadLinkResolver } from './http-download.audio-source';

/**
 * Storage's signed download links for its local driver,
 * `GET /v1/downloads/:objectId?org=<organizationId>&expires=&signature=` with `signature` = base64url
 * HMAC-SHA256 over `download:v2:<organizationId>:<objectId>:<expires>` keyed by storage's
 * STORAGE_DOWNLOAD_URL_SECRET (shared with the worker, as EDGE_PRINCIPAL_SECRET is shared with the
 * gateway), on storage's internal port. The link lives `ttlSeconds`: just long enough to start the
 * download. (Format of storage's `SignedDownloadUrl`. Whatever storage's driver, the link is served by
 * storage itself, which streams the bytes from its store: on the S3 driver too, the worker needs no S3
 * credentials and sees no presigned S3 URL.)
 */
export class SignedStorageLinkResolver extends DownloadLinkResolver {
  constructor(
    private readonly storageUrl: string,
    private readonly secret: string,
    private readonly ttlSeconds = 60,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
  }

  async linkFor(ref: AudioObjectRef): Promise<URL> {
    const expires = Math.floor(this.now().getTime() / 1000) + this.ttlSeconds;
    const signature = createHmac('sha256', this.secret)
      .update(`download:v2:${ref.organizationId}:${ref.objectId}:${expires}`)
      .digest('base64url');
    const url = new URL(`/v1/downloads/${encodeURIComponent(ref.objectId)}`, this.storageUrl);
    url.searchParams.set('org', ref.organizationId);
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('signature', signature);
    return url;
  }
}
