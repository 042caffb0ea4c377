import type { StorageEnv } from '../config/storage-env.schema';
import { SignedDownloadUrl } from './signed-download-url';

describe('signed download links', () => {
  const config = {
    STORAGE_DOWNLOAD_URL_SECRET: 'k'.repeat(40),
    STORAGE_SIGNED_URL_TTL_SECONDS: 300,
    STORAGE_PUBLIC_BASE_URL: 'https://api.example.test',
  } as StorageEnv;
  const links = new SignedDownloadUrl(config);
  const orgA = '0a8c7c1e-54f4-4c57-9a55-3c5c1d2b6a01';
  const orgB = '0b8c7c1e-54f4-4c57-9a55-3c5c1d2b6a02';
  const id = '1f6a3b52-8d0e-4f7b-9f1e-2b8d3c4e5f60';
  const issuedAt = new Date('2026-11-29T12:00:00Z');
  const before = new Date('2026-11-29T12:01:00Z');

  const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams);

  it('point at the public base with the organization, expiry and signature in the query', () => {
    const { url } = links.create({ organizationId: orgA, objectId: id }, issuedAt);
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe(`https://api.example.test/v1/downloads/${id}`);
    expect(parsed.searchParams.get('org')).toBe(orgA);
    expect(parsed.searchParams.get('expires')).toBe('1795953900');
  });

  it('are valid until their expiry, then 410 DOWNLOAD_LINK_EXPIRED (not 403: the signature is genuine)', () => {
    const { url, expiresAt } = links.create({ organizationId: orgA, objectId: id }, issuedAt);
    expect(expiresAt.toISOString()).toBe('2026-11-29T12:05:00.000Z');
    const query = queryOf(url);
    expect(links.verify(id, query, new Date('2026-11-29T12:04:59Z'))).toEqual({
      organizationId: orgA,
      objectId: id,
    });
    expect(() => links.verify(id, query, new Date('2026-11-29T12:05:00Z'))).toThrow(
      expect.objectContaining({ code: 'DOWNLOAD_LINK_EXPIRED' }),
    );
  });

  it('are bound to one object, one organization, one expiry and the key (403 FORBIDDEN otherwise)', () => {
    const query = queryOf(links.create({ organizationId: orgA, objectId: id }, issuedAt).url);
    const forbidden = expect.objectContaining({ code: 'FORBIDDEN' });
    expect(() => links.verify('2f6a3b52-8d0e-4f7b-9f1e-2b8d3c4e5f61', query, before)).toThrow(forbidden);
    expect(() => links.verify(id, { ...query, org: orgB }, before)).toThrow(forbidden);
    expect(() =>
      links.verify(id, { ...query, expires: String(Number(query.expires) + 3600) }, before),
    ).toThrow(forbidden);
    // Tampered past expiry is still FORBIDDEN, never the more telling 410.
    expect(() => links.verify(id, { ...query, expires: '1000' }, before)).toThrow(forbidden);
    expect(() => links.verify(id, { ...query, signature: undefined }, before)).toThrow(forbidden);
    expect(() => links.verify(id, { ...query, expires: 'soon' }, before)).toThrow(forbidden);
    expect(() => links.verify(id, { ...query, org: 'not-a-uuid' }, before)).toThrow(forbidden);
    expect(() => links.verify(id, { ...query, org: [orgA, orgB] }, before)).toThrow(forbidden);
    const otherKey = new SignedDownloadUrl({ ...config, STORAGE_DOWNLOAD_URL_SECRET: 'o'.repeat(40) });
    expect(() => otherKey.verify(id, query, before)).toThrow(forbidden);
  });
});
