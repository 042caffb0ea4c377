import { randomUUID } from 'node:crypto';
import { EVENT_NAMES, OBJECT_RPC, PLANS } from '@platform/contracts';
import { waitFor } from '@platform/testing';
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

/** tus 1.0 on storage's internal port (local driver), with the edge principal the gateway signs. */
describe('storage: tus uploads (core, creation, termination, checksum)', () => {
  let bed: StorageBed;
  let http: StorageHttp;
  let storage: StartedStorage;
  const orgA = randomUUID();
  const orgB = randomUUID();
  const ownerA = member(orgA, ['owner'], 'FREE');
  const ownerB = member(orgB, ['owner'], 'FREE');

  beforeAll(async () => {
    storage = await startStorageBed();
    ({ bed, http } = storage);
  }, 60_000);
  afterAll(() => storage?.stop());

  async function newUpload(principal = ownerA, length = 64 * 1024, metadata: Record<string, string> = {}) {
    const created = await http.createTus(principal, length, metadata);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/v1\/uploads\/[0-9a-f-]{36}$/);
    return location;
  }

  it('creates, resumes from the offset the server reports, completes and publishes the event', async () => {
    const recordingId = randomUUID();
    const bytes = wavBytes(300_000);
    const location = await newUpload(ownerA, bytes.length, { recordingId, filename: 'call.wav' });

    const first = await http.patchTus(ownerA, location, 0, bytes.subarray(0, 100_000));
    expect(first.status).toBe(204);
    expect(first.headers.get('upload-offset')).toBe('100000');
    expect(first.headers.get('tus-resumable')).toBe('1.0.0');

    // A client that lost track asks where to resume.
    const head = await http.headTus(ownerA, location);
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe('100000');
    expect(head.headers.get('upload-length')).toBe(String(bytes.length));
    expect(head.headers.get('cache-control')).toBe('no-store');

    // Writing at a stale offset is refused (the bytes would overlap).
    const stale = await http.patchTus(ownerA, location, 0, bytes.subarray(0, 10));
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining('100000') });

    const rest = await http.patchTus(
      ownerA,
      location,
      100_000,
      bytes.subarray(100_000),
      sha256(bytes.subarray(100_000)),
    );
    expect(rest.status).toBe(204);
    expect(rest.headers.get('upload-offset')).toBe(String(bytes.length));

    const objectId = location.split('/').pop()!;
    const object = await bed.call(OBJECT_RPC.get, { id: objectId }, ownerA);
    expect(object).toMatchObject({
      status: 'completed',
      sizeBytes: bytes.length,
      contentType: 'audio/wav',
      sha256: sha256(bytes).toString('hex'),
      recordingId,
      filename: 'call.wav',
    });

    const event = await waitFor('storage.upload.completed in the outbox', async () => {
      const rows: { payload: Record<string, unknown> }[] = await bed.admin.query(
        `SELECT payload FROM outbox_events WHERE routing_key = $1 AND payload->>'objectId' = $2`,
        [EVENT_NAMES.uploadCompleted, objectId],
      );
      return rows[0];
    });
    expect(event.payload).toEqual({
      organizationId: orgA,
      uploadId: objectId,
      objectId,
      recordingId,
      sizeBytes: bytes.length,
      contentType: 'audio/wav',
      sha256: sha256(bytes).toString('hex'),
    });
  });

  it('answers 460 to a PATCH whose Upload-Checksum does not match, and keeps none of its bytes', async () => {
    const bytes = wavBytes(50_000);
    const location = await newUpload(ownerA, bytes.length);
    const wrong = sha256(Buffer.from('something else'));
    const refused = await http.patchTus(ownerA, location, 0, bytes.subarray(0, 20_000), wrong);
    expect(refused.status).toBe(460);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('tus-resumable')).toBe('1.0.0');
    expect(await refused.json()).toMatchObject({ code: 'CHECKSUM_MISMATCH', status: 460 });
    expect((await http.headTus(ownerA, location)).headers.get('upload-offset')).toBe('0');

    // The same bytes with the right checksum go through from offset 0.
    const ok = await http.patchTus(
      ownerA,
      location,
      0,
      bytes.subarray(0, 20_000),
      sha256(bytes.subarray(0, 20_000)),
    );
    expect(ok.headers.get('upload-offset')).toBe('20000');
  });

  it('refuses an unknown checksum algorithm, a missing Tus-Resumable and a wrong content type', async () => {
    const location = await newUpload();
    const md5 = await http.request('PATCH', location, {
      principal: ownerA,
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'upload-checksum': 'md5 XrY7u+Ae7tCTyyK7j1rNww==',
      },
      body: wavBytes(100),
    });
    expect(md5.status).toBe(400);
    const noVersion = await http.request('HEAD', location, { principal: ownerA });
    expect(noVersion.status).toBe(412);
    const wrongType = await http.request('PATCH', location, {
      principal: ownerA,
      headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
    const noLength = await http.request('POST', '/v1/uploads', {
      principal: ownerA,
      headers: { 'tus-resumable': '1.0.0' },
    });
    expect(noLength.status).toBe(400);
    expect(await noLength.json()).toMatchObject({ code: 'BAD_REQUEST', detail: 'upload-length is required' });
  });

  it('refuses a disguised non-audio file at its first bytes (problem+json 415) and keeps nothing', async () => {
    const pdf = disguisedPdf();
    const location = await newUpload(ownerA, pdf.length, { filename: 'song.mp3', filetype: 'audio/mpeg' });
    const refused = await http.patchTus(ownerA, location, 0, pdf);
    expect(refused.status).toBe(415);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      detail: expect.stringContaining('audio/wav, audio/mpeg, audio/ogg, audio/flac, audio/mp4, audio/webm'),
    });
    expect((await http.headTus(ownerA, location)).headers.get('upload-offset')).toBe('0');
  });

  it('refuses a creation over the plan quota, naming limit, plan and usage', async () => {
    const owner = member(randomUUID(), ['owner'], 'FREE');
    const max = PLANS.FREE.storageBytes;
    const taken = await http.createTus(owner, max - 1000);
    expect(taken.status).toBe(201);
    const over = await http.createTus(owner, 2000);
    expect(over.status).toBe(403);
    expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await over.json()).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      limit: { name: 'storageBytes', plan: 'FREE', max, usage: max - 1000 },
    });
    // Terminating the first upload frees its reservation.
    const terminated = await http.request('DELETE', taken.headers.get('location')!, {
      principal: owner,
      headers: { 'tus-resumable': '1.0.0' },
    });
    expect(terminated.status).toBe(204);
    expect((await http.createTus(owner, 2000)).status).toBe(201);
  });

  it('checks the quota again on every PATCH (a plan that shrank mid-upload)', async () => {
    const org = randomUUID();
    const onStarter = member(org, ['owner'], 'STARTER');
    const onFree = { ...onStarter, plan: 'FREE' as const };
    const size = PLANS.FREE.storageBytes + 1024;
    const created = await http.createTus(onStarter, size);
    expect(created.status).toBe(201);
    const refused = await http.patchTus(onFree, created.headers.get('location')!, 0, wavBytes(1024));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      limit: { name: 'storageBytes', plan: 'FREE', max: PLANS.FREE.storageBytes, usage: 0 },
    });
  });

  it('terminates an upload: its bytes and record are gone', async () => {
    const location = await newUpload();
    await http.patchTus(ownerA, location, 0, wavBytes(1000));
    const gone = await http.request('DELETE', location, {
      principal: ownerA,
      headers: { 'tus-resumable': '1.0.0' },
    });
    expect(gone.status).toBe(204);
    expect((await http.headTus(ownerA, location)).status).toBe(404);
  });

  it('no organization can HEAD, PATCH or DELETE another organization’s upload', async () => {
    const location = await newUpload(ownerA, 4000);
    await http.patchTus(ownerA, location, 0, wavBytes(1000));
    const head = await http.headTus(ownerB, location);
    expect(head.status).toBe(404);
    const patch = await http.patchTus(ownerB, location, 1000, wavBytes(10));
    expect(patch.status).toBe(404);
    expect(await patch.json()).toMatchObject({ code: 'NOT_FOUND' });
    const del = await http.request('DELETE', location, {
      principal: ownerB,
      headers: { 'tus-resumable': '1.0.0' },
    });
    expect(del.status).toBe(404);
    // A's upload is untouched.
    expect((await http.headTus(ownerA, location)).headers.get('upload-offset')).toBe('1000');
    // And over RPC: B cannot read or delete it either.
    const id = location.split('/').pop()!;
    await expect(bed.call(OBJECT_RPC.get, { id }, ownerB)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bed.call(OBJECT_RPC.delete, { id }, ownerB)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await bed.call(OBJECT_RPC.list, {}, ownerB)).items).toEqual([]);
  });

  it('refuses requests without a valid edge principal (401 problem+json) or the permission (403)', async () => {
    const anonymous = await http.request('POST', '/v1/uploads', {
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' },
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await anonymous.json()).toMatchObject({ code: 'EDGE_PRINCIPAL_INVALID' });
    const forged = await new StorageHttp(bed.service.url, 'x'.repeat(40)).createTus(ownerA, 10);
    expect(forged.status).toBe(401);
    // A token signed for one request (HEAD of an upload) cannot be replayed on another (PATCH).
    const location = await newUpload();
    const headToken = (await http.signedHeaders('HEAD', location, ownerA))['x-platform-principal']!;
    const replayed = await http.request('PATCH', location, {
      headers: {
        'x-platform-principal': headToken,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: wavBytes(100),
    });
    expect(replayed.status).toBe(401);
    const viewer = await http.createTus(member(orgA, ['viewer']), 10);
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toMatchObject({
      code: 'FORBIDDEN',
      detail: 'Missing permission storage:write',
    });
  });

  it('refuses ids and metadata that try path tricks', async () => {
    for (const path of [
      '/v1/uploads/..%2F..%2Fetc%2Fpasswd',
      '/v1/uploads/%2e%2e',
      `/v1/uploads/${orgA}%2F..`,
    ]) {
      const answer = await http.request('HEAD', path, {
        principal: ownerA,
        headers: { 'tus-resumable': '1.0.0' },
      });
      expect([404, 401]).toContain(answer.status);
    }
    // A file name is only metadata: the key is still <org>/<uuid>.
    const location = await newUpload(ownerA, 2000, { filename: '../../../../etc/passwd' });
    const done = await http.patchTus(ownerA, location, 0, wavBytes(2000));
    expect(done.status).toBe(204);
    const rows: { storage_key: string }[] = await bed.admin.query(
      `SELECT storage_key FROM objects WHERE id = $1`,
      [location.split('/').pop()],
    );
    expect(rows[0]!.storage_key).toBe(`${orgA}/${location.split('/').pop()}`);
  });

  it('answers OPTIONS with the protocol’s capabilities', async () => {
    const answer = await http.request('OPTIONS', '/v1/uploads');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('tus-version')).toBe('1.0.0');
    expect(answer.headers.get('tus-extension')).toBe('creation,termination,checksum,expiration');
    expect(answer.headers.get('tus-checksum-algorithm')).toBe('sha256');
  });
});
