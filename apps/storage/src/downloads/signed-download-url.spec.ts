import { randomUUID } from 'node:crypto';
import type { StorageEnv } from '../config/storage-env.schema';
import { SignedDownloadUrl } from './signed-download-url';

describe('signed download links', () => {
  const config = {
    STORAGE_DOWNLOAD_URL_SECRET: 'k'.repeat(40),
    STORAGE_SIGNED_URL_TTL_SECONDS: 300,
    STORAGE_PUBLIC_BASE_URL: 'https://api.example.test',
  } as StorageEnv;
  const links = new SignedDownloadUrl(config);
  const id = randomUUID();
  const issuedAt = new Date('2026-11-29T12:00:00Z');

  const partsOf = (url: string) => {
    const parsed = new URL(url);
    return { expires: parsed.searchParams.get('expires')!, signature: parsed.searchParams.get('signature')! };
  };

  it('are valid until their expiry and not one second after', () => {
    const { url, expiresAt } = links.create(id, issuedAt);
    expect(expiresAt.toISOString()).toBe('2026-11-29T12:05:00.000Z');
    const { expires, signature } = partsOf(url);
    expect(() => links.verify(id, expires, signature, new Date('2026-11-29T12:04:59Z'))).not.toThrow();
    expect(() => links.verify(id, expires, signature, new Date('2026-11-29T12:05:00Z'))).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('are bound to one object and one expiry, and to the key', () => {
    const { expires, signature } = partsOf(links.create(id, issuedAt).url);
    const before = new Date('2026-11-29T12:01:00Z');
    expect(() => links.verify(randomUUID(), expires, signature, before)).toThrow();
    expect(() => links.verify(id, String(Number(expires) + 3600), signature, before)).toThrow();
    expect(() => links.verify(id, expires, undefined, before)).toThrow();
    expect(() => links.verify(id, 'soon', signature, before)).toThrow();
    const otherKey = new SignedDownloadUrl({ ...config, STORAGE_DOWNLOAD_URL_SECRET: 'o'.repeat(40) });
    expect(() => otherKey.verify(id, expires, signature, before)).toThrow();
  });
});
