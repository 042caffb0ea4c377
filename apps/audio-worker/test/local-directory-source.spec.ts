import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { LocalDirectoryAudioSource } from '../src/source/local-directory.audio-source';
import { scratchDir } from './support/test-audio';

/** The worker's local audio source reads storage's local layout, and nothing outside it. */
describe('audio source: storage’s local directory', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  beforeAll(async () => {
    scratch = await scratchDir();
  });
  afterAll(() => scratch?.remove());

  it('opens <root>/objects/<organizationId>/<objectId>', async () => {
    const ref = { organizationId: randomUUID(), objectId: randomUUID(), recordingId: randomUUID() };
    const file = path.join(scratch.dir, 'objects', ref.organizationId, ref.objectId);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, 'bytes');
    const opened = await new LocalDirectoryAudioSource(scratch.dir).open(ref);
    expect(opened.path).toBe(file);
  });

  it('retries a missing object (transient), refuses ids that are not storage keys (permanent)', async () => {
    const source = new LocalDirectoryAudioSource(scratch.dir);
    const organizationId = randomUUID();
    await expect(
      source.open({ organizationId, objectId: randomUUID(), recordingId: randomUUID() }),
    ).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      permanent: false,
    });
    for (const objectId of ['../../../etc/passwd', '/etc/passwd', `${randomUUID()}/..`, '']) {
      await expect(
        source.open({ organizationId, objectId, recordingId: randomUUID() }),
      ).rejects.toMatchObject({
        code: 'SOURCE_UNAVAILABLE',
        permanent: true,
      });
    }
    await expect(
      source.open({ organizationId: '..', objectId: randomUUID(), recordingId: randomUUID() }),
    ).rejects.toMatchObject({ permanent: true });
  });
});
