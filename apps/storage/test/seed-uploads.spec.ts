import { randomUUID } from 'node:crypto';
import { OBJECT_RPC, objectSchema } from '@platform/contracts';
import {
  disguisedPdf,
  member,
  sha256,
  StorageHttp,
  startStorageBed,
  type StartedStorage,
  type StorageBed,
  wavBytes,
} from './support/storage-fixtures';

/**
 * The seed's flow (chunks + finalize), the single-shot upload and signed downloads with Range, on
 * storage's internal port with the local driver.
 */
describe('storage: chunks, finalize, single-shot upload and downloads', () => {
  let bed: StorageBed;
  let http: StorageHttp;
  let storage: StartedStorage;
  const orgA = randomUUID();
  const orgB = randomUUID();
  const ownerA = member(orgA, ['owner'], 'STARTER');
  const ownerB = member(orgB, ['owner'], 'STARTER');

  beforeAll(async () => {
    storage = await startStorageBed({
      STORAGE_DOWNLOAD_URL_SECRET: 'd'.repeat(40),
      STORAGE_PUBLIC_BASE_URL: 'https://api.example.test',
    });
    ({ bed, http } = storage);
  }, 60_000);
  afterAll(() => storage?.stop());

  const sendChunk = (
    principal: typeof ownerA,
    recordingId: string,
    index: number,
    bytes: Buffer,
    digest = sha256(bytes),
  ) =>
    http.request('POST', `/v1/chunks/${recordingId}`, {
      principal,
      headers: {
        'content-type': 'application/octet-stream',
        'chunk-index': String(index),
        'chunk-sha256': digest.toString('hex'),
      },
      body: bytes,
    });

  async function uploadByChunks(principal: typeof ownerA, bytes: Buffer, chunkSize: number) {
    const recordingId = randomUUID();
    for (let index = 0; index * chunkSize < bytes.length; index += 1) {
      const answer = await sendChunk(
        principal,
        recordingId,
        index,
        bytes.subarray(index * chunkSize, (index + 1) * chunkSize),
      );
      expect(answer.status).toBe(200);
    }
    const finalized = await http.request('POST', `/v1/finalize/${recordingId}`, {
      principal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: sha256(bytes).toString('hex') }),
    });
    return { recordingId, finalized };
  }

  it('appends chunks in order with their SHA-256, then finalize completes the object', async () => {
    const bytes = wavBytes(250_000);
    const recordingId = randomUUID();
    const first = await sendChunk(ownerA, recordingId, 0, bytes.subarray(0, 100_000));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      recordingId,
      chunkIndex: 0,
      receivedBytes: 100_000,
      nextChunkIndex: 1,
    });

    // A chunk out of order (a retry of chunk 0 whose answer was lost) is refused, nothing appended.
    const replay = await sendChunk(ownerA, recordingId, 0, bytes.subarray(0, 100_000));
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({
      code: 'CONFLICT',
      detail: expect.stringContaining('next is 1'),
    });

    // A corrupted chunk: 460, and the upload still expects chunk 1 at 100000 bytes.
    const corrupted = await sendChunk(
      ownerA,
      recordingId,
      1,
      bytes.subarray(100_000, 200_000),
      sha256(Buffer.from('x')),
    );
    expect(corrupted.status).toBe(460);
    expect(await corrupted.json()).toMatchObject({ code: 'CHECKSUM_MISMATCH' });

    expect((await sendChunk(ownerA, recordingId, 1, bytes.subarray(100_000, 200_000))).status).toBe(200);
    const last = await sendChunk(ownerA, recordingId, 2, bytes.subarray(200_000));
    expect(await last.json()).toMatchObject({ receivedBytes: 250_000, nextChunkIndex: 3 });

    const finalized = await http.request('POST', `/v1/finalize/${recordingId}`, {
      principal: ownerA,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(finalized.status).toBe(200);
    const object = objectSchema.parse(await finalized.json());
    expect(object).toMatchObject({
      recordingId,
      status: 'completed',
      sizeBytes: 250_000,
      contentType: 'audio/wav',
      sha256: sha256(bytes).toString('hex'),
    });
  });

  it('refuses a chunk without its SHA-256 and a finalize whose whole-file SHA-256 differs', async () => {
    const recordingId = randomUUID();
    const noDigest = await http.request('POST', `/v1/chunks/${recordingId}`, {
      principal: ownerA,
      headers: { 'content-type': 'application/octet-stream', 'chunk-index': '0' },
      body: wavBytes(100),
    });
    expect(noDigest.status).toBe(400);
    expect((await sendChunk(ownerA, recordingId, 0, wavBytes(1000))).status).toBe(200);
    const wrong = await http.request('POST', `/v1/finalize/${recordingId}`, {
      principal: ownerA,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: 'a'.repeat(64) }),
    });
    expect(wrong.status).toBe(460);
    const invalid = await http.request('POST', `/v1/finalize/${recordingId}`, {
      principal: ownerA,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: 'not-hex' }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [expect.objectContaining({ path: 'body.sha256' })],
    });
    const notUuid = await sendChunk(ownerA, 'not-a-uuid', 0, wavBytes(10));
    expect(notUuid.status).toBe(400);
  });

  it('refuses a disguised file sent in chunks at its first chunk', async () => {
    const recordingId = randomUUID();
    const refused = await sendChunk(ownerA, recordingId, 0, disguisedPdf());
    expect(refused.status).toBe(415);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('no organization can append to, finalize or read another organization’s recording upload', async () => {
    const recordingId = randomUUID();
    expect((await sendChunk(ownerA, recordingId, 0, wavBytes(5000))).status).toBe(200);
    // B's chunk 1 for the same recording id does not reach A's upload (B has none: 404).
    const intrude = await sendChunk(ownerB, recordingId, 1, wavBytes(10));
    expect(intrude.status).toBe(404);
    const finalize = await http.request('POST', `/v1/finalize/${recordingId}`, {
      principal: ownerB,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(finalize.status).toBe(404);
    // B may start its own upload under the same recording id: organizations never share rows.
    expect((await sendChunk(ownerB, recordingId, 0, wavBytes(10))).status).toBe(200);
    const rows: { organization_id: string; received_bytes: string }[] = await bed.admin.query(
      `SELECT organization_id, received_bytes FROM objects WHERE recording_id = $1 ORDER BY received_bytes`,
      [recordingId],
    );
    expect(rows).toEqual([
      { organization_id: orgB, received_bytes: '10' },
      { organization_id: orgA, received_bytes: '5000' },
    ]);
  });

  it('stores a single-shot upload, checks Upload-Sha256, and leaves nothing when refused', async () => {
    const bytes = wavBytes(123_456);
    const created = await http.request('POST', '/v1/upload?filename=memo.wav', {
      principal: ownerA,
      headers: { 'content-type': 'audio/wav', 'upload-sha256': sha256(bytes).toString('hex') },
      body: bytes,
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      status: 'completed',
      sizeBytes: 123_456,
      filename: 'memo.wav',
    });

    const before = await bed.call(OBJECT_RPC.list, { limit: 100 }, ownerA);
    const pdf = await http.request('POST', '/v1/upload', {
      principal: ownerA,
      headers: { 'content-type': 'audio/mpeg' },
      body: disguisedPdf(),
    });
    expect(pdf.status).toBe(415);
    const wrongDigest = await http.request('POST', '/v1/upload', {
      principal: ownerA,
      headers: { 'content-type': 'audio/wav', 'upload-sha256': 'b'.repeat(64) },
      body: wavBytes(1000),
    });
    expect(wrongDigest.status).toBe(460);
    const after = await bed.call(OBJECT_RPC.list, { limit: 100 }, ownerA);
    expect(after.items.map((item) => item.id)).toEqual(before.items.map((item) => item.id));
  });

  it('issues a short-lived signed download link that serves the bytes, with Range', async () => {
    const bytes = wavBytes(10_000);
    const { finalized } = await uploadByChunks(ownerA, bytes, 4000);
    const { id } = objectSchema.parse(await finalized.json());
    const link = await bed.call(OBJECT_RPC.downloadUrl, { id }, ownerA);
    expect(link.url).toMatch(
      new RegExp(`^https://api\\.example\\.test/v1/downloads/${id}\\?org=${orgA}&expires=\\d+&signature=`),
    );
    const path = link.url.replace('https://api.example.test', '');

    const whole = await http.request('GET', path);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await http.request('GET', path, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/10000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    const tail = await http.request('GET', path, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(9990))).toBe(true);

    const unsatisfiable = await http.request('GET', path, { headers: { range: 'bytes=10000-' } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get('content-range')).toBe('bytes */10000');

    // Altered links: another object id, another organization, a later expiry, a bad signature.
    const other = randomUUID();
    for (const forged of [
      path.replace(id, other),
      path.replace(orgA, orgB),
      path.replace(/expires=\d+/, `expires=${Math.floor(Date.now() / 1000) + 999_999}`),
      path.replace(/signature=[^&]+/, 'signature=AAAA'),
      `/v1/downloads/${id}`,
    ]) {
      const answer = await http.request('GET', forged);
      expect(answer.status).toBe(403);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('no organization can get a link for, download or delete another organization’s object', async () => {
    const { finalized } = await uploadByChunks(ownerA, wavBytes(3000), 3000);
    const { id } = objectSchema.parse(await finalized.json());
    await expect(bed.call(OBJECT_RPC.downloadUrl, { id }, ownerB)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(bed.call(OBJECT_RPC.delete, { id }, ownerB)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bed.call(OBJECT_RPC.get, { id }, ownerB)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // A's own deletion removes the bytes: its old link stops working.
    const link = await bed.call(OBJECT_RPC.downloadUrl, { id }, ownerA);
    expect(await bed.call(OBJECT_RPC.delete, { id }, ownerA)).toEqual({ deleted: true });
    // Metering's event, written with the deletion (B's refused attempts wrote none).
    expect(
      await bed.admin.query(
        `SELECT payload FROM outbox_events WHERE routing_key = 'storage.object.deleted' AND payload->>'objectId' = $1`,
        [id],
      ),
    ).toEqual([
      { payload: { organizationId: ownerA.organizationId, objectId: id, sizeBytes: 3000, completed: true } },
    ]);
    const afterDelete = await http.request('GET', link.url.replace('https://api.example.test', ''));
    expect(afterDelete.status).toBe(403);
    await expect(bed.call(OBJECT_RPC.get, { id }, ownerA)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves the caller’s own object at /v1/storage/objects/:id/content (Range), never another’s', async () => {
    const bytes = wavBytes(8000);
    const { finalized } = await uploadByChunks(ownerA, bytes, 8000);
    const { id } = objectSchema.parse(await finalized.json());
    const path = `/v1/storage/objects/${id}/content`;
    const part = await http.request('GET', path, { principal: ownerA, headers: { range: 'bytes=4000-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 4000-7999/8000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(4000))).toBe(true);
    const head = await http.request('HEAD', path, { principal: ownerA });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('8000');

    const other = await http.request('GET', path, { principal: ownerB });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await http.request('GET', path)).status).toBe(401);

    // An upload still in progress has no content yet.
    const recordingId = randomUUID();
    const started = await sendChunk(ownerA, recordingId, 0, wavBytes(100));
    const { objectId } = (await started.json()) as { objectId: string };
    const early = await http.request('GET', `/v1/storage/objects/${objectId}/content`, { principal: ownerA });
    expect(early.status).toBe(409);
  });

  it('answers presigned multipart with 501 under the local driver', async () => {
    await expect(
      bed.call('storage.multipart.initiate', { sizeBytes: 10_000_000 }, ownerA),
    ).rejects.toMatchObject({ code: 'NOT_IMPLEMENTED' });
  });
});
