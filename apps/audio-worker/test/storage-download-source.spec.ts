import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { HttpDownloadAudioSource } from '../src/source/http-download.audio-source';
import { SignedStorageLinkResolver } from '../src/source/signed-storage-link.resolver';
import { makeAudio, scratchDir } from './support/test-audio';

const SECRET = 'a-download-secret-of-at-least-32-bytes!!';

/**
 * The worker's download source against a stand-in of storage's signed-download endpoint
 * (`GET /v1/downloads/:id?org=&expires=&signature=`, HMAC-SHA256 over
 * `download:v2:<org>:<id>:<expires>`, as
 * storage verifies it), serving a real audio file.
 */
describe('audio source: signed download from storage', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let server: Server;
  let baseUrl: string;
  let audio: Buffer;
  const objectId = randomUUID();
  const organizationId = randomUUID();
  let answer: 'file' | 503 = 'file';

  beforeAll(async () => {
    scratch = await scratchDir();
    audio = await readFile(await makeAudio(path.join(scratch.dir, 'object.flac'), [{ silence: 1 }]));
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const id = /^\/v1\/downloads\/([^/]+)$/.exec(url.pathname)?.[1];
      const expires = url.searchParams.get('expires') ?? '';
      const org = url.searchParams.get('org') ?? '';
      const given = Buffer.from(url.searchParams.get('signature') ?? '', 'base64url');
      const wanted = createHmac('sha256', SECRET).update(`download:v2:${org}:${id}:${expires}`).digest();
      const valid =
        given.length === wanted.length &&
        timingSafeEqual(given, wanted) &&
        Number(expires) * 1000 > Date.now();
      if (answer === 503) return void res.writeHead(503).end();
      if (!valid) return void res.writeHead(403).end();
      if (id !== objectId || org !== organizationId) return void res.writeHead(403).end();
      res.writeHead(200, { 'content-type': 'audio/flac', 'content-length': audio.length }).end(audio);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await scratch?.remove();
  });

  const source = (secret = SECRET, url = baseUrl) =>
    new HttpDownloadAudioSource(new SignedStorageLinkResolver(url, secret), scratch.dir);
  const ref = (id = objectId, org = organizationId) => ({
    organizationId: org,
    recordingId: randomUUID(),
    objectId: id,
  });

  it('downloads the object byte for byte into a temporary file, removed on release', async () => {
    answer = 'file';
    const opened = await source().open(ref());
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(sha(await readFile(opened.path))).toBe(sha(audio));
    await opened.release();
    await expect(stat(opened.path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('signs links that expire within a minute', async () => {
    const url = await new SignedStorageLinkResolver(
      baseUrl,
      SECRET,
      60,
      () => new Date('2026-11-29T12:00:00Z'),
    ).linkFor(ref());
    expect(url.pathname).toBe(`/v1/downloads/${objectId}`);
    expect(url.searchParams.get('org')).toBe(organizationId);
    expect(url.searchParams.get('expires')).toBe(String(Date.parse('2026-11-29T12:01:00Z') / 1000));
  });

  it('fails for good when storage refuses the link (a deleted object, a wrong secret)', async () => {
    answer = 'file';
    await expect(source().open(ref(randomUUID()))).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      permanent: true,
    });
    await expect(source().open(ref(objectId, randomUUID()))).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      permanent: true,
    });
    await expect(source('another-secret-that-is-32-bytes-long').open(ref())).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      permanent: true,
    });
  });

  it('retries when storage is down or unreachable', async () => {
    answer = 503;
    await expect(source().open(ref())).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      permanent: false,
    });
    answer = 'file';
    await expect(source(SECRET, 'http://127.0.0.1:1').open(ref())).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      permanent: false,
    });
  });
});
