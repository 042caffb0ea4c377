import { randomUUID } from 'node:crypto';
import { assertStorageKey, pathUnder, storageKeyOf } from './storage-key';

describe('storage keys', () => {
  const org = randomUUID();
  const id = randomUUID();

  it('are <organization>/<object> and resolve inside the root', () => {
    expect(storageKeyOf(org, id)).toBe(`${org}/${id}`);
    expect(pathUnder('/srv/data', `${org}/${id}`)).toBe(`/srv/data/${org}/${id}`);
  });

  it.each([
    ['parent directory', `${org}/../${id}`],
    ['climbing out', `../../etc/passwd`],
    ['absolute path', `/etc/passwd`],
    ['encoded dots', `${org}/%2e%2e`],
    ['NUL byte', `${org}/${id}\0.txt`],
    ['suffix', `${org}/${id}/x`],
    ['backslash', `${org}\\${id}`],
    ['upper-case uuid (not ours)', `${org.toUpperCase()}/${id}`],
    ['client file name', `${org}/recording.mp3`],
  ])('refuses a key that is not one of ours (%s)', (_label, key) => {
    expect(() => assertStorageKey(key)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => pathUnder('/srv/data', key)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});
