import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { OBJECT_RPC } from '@platform/contracts';
import { UploadSweeper } from '../src/uploads/upload-sweeper';
import { member, sha256, startStorageBed, wavBytes, type StartedStorage } from './support/storage-fixtures';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const HOUR_MS = 3600 * 1000;

/**
 * tus `expiration`: an upload lives STORAGE_UPLOAD_EXPIRY_SECONDS (here one hour) past its last
 * accepted byte, says so in Upload-Expires, answers 410 once expired, and the sweep — driven here by
 * the clock it is handed, not by waiting — removes its staged bytes and its record (404 after).
 */
describe('storage: expired uploads (tus expiration, the sweep)', () => {
  let storage: StartedStorage;
  let sweeper: UploadSweeper;
  const orgA = randomUUID();
  const orgB = randomUUID();
  const ownerA = member(orgA, ['owner'], 'STARTER');
  const ownerB = member(orgB, ['owner'], 'STARTER');

  beforeAll(async () => {
    storage = await startStorageBed({
      STORAGE_UPLOAD_EXPIRY_SECONDS: '3600',
      // Never on its own during the test: the test sweeps with its own clock.
      STORAGE_UPLOAD_SWEEP_INTERVAL_MS: '0',
    });
    sweeper = storage.bed.service.app.get(UploadSweeper);
  }, 60_000);
  afterAll(() => storage?.stop());

  const uploadIdOf = (location: string) => location.split('/').pop()!;
  const stagedPath = (org: string, id: string) => join(storage.root, 'staging', org, id);
  const expiresOf = (answer: Response) => Date.parse(answer.headers.get('upload-expires')!);

  async function startTus(principal = ownerA) {
    const before = Date.now();
    const created = await storage.http.createTus(principal, 4000);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect((await storage.http.patchTus(principal, location, 0, wavBytes(1000))).status).toBe(204);
    return { location, id: uploadIdOf(location), before };
  }

  it('announces expiration: Upload-Expires one hour after the last accepted byte, pushed forward by each PATCH', async () => {
    const before = Date.now();
    const created = await storage.http.createTus(ownerA, 4000);
    const after = Date.now();
    // HTTP-dates have whole seconds.
    expect(expiresOf(created)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + HOUR_MS);
    expect(expiresOf(created)).toBeLessThanOrEqual(after + HOUR_MS);
    const location = created.headers.get('location')!;
    const patched = await storage.http.patchTus(ownerA, location, 0, wavBytes(1000));
    expect(patched.status).toBe(204);
    expect(expiresOf(patched)).toBeGreaterThanOrEqual(expiresOf(created));
    const head = await storage.http.headTus(ownerA, location);
    expect(head.headers.get('upload-expires')).toBe(patched.headers.get('upload-expires'));
    // The last byte completes the upload: a completed object no longer expires.
    const done = await storage.http.patchTus(ownerA, location, 1000, wavBytes(3000).subarray(0, 3000));
    expect(done.status).toBe(204);
    expect(done.headers.get('upload-expires')).toBeNull();
  });

  it('the sweep leaves an upload alone before its expiry and removes bytes and record after it: HEAD and PATCH 404', async () => {
    const { location, id, before } = await startTus();
    expect(await exists(stagedPath(orgA, id))).toBe(true);

    expect(await sweeper.sweep(new Date(before + HOUR_MS - 60_000))).toBe(0);
    expect((await storage.http.headTus(ownerA, location)).status).toBe(200);

    expect(await sweeper.sweep(new Date(Date.now() + HOUR_MS + 1000))).toBeGreaterThanOrEqual(1);
    expect(await exists(stagedPath(orgA, id))).toBe(false);
    expect(
      await storage.bed.admin.query(
        `SELECT payload FROM outbox_events WHERE routing_key = 'storage.object.deleted' AND payload->>'objectId' = $1`,
        [id],
      ),
    ).toEqual([{ payload: { organizationId: orgA, objectId: id, sizeBytes: 1000, completed: false } }]);
    expect((await storage.http.headTus(ownerA, location)).status).toBe(404);
    const patch = await storage.http.patchTus(ownerA, location, 1000, wavBytes(1000));
    expect(patch.status).toBe(404);
    await expect(storage.bed.call(OBJECT_RPC.get, { id }, ownerA)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('between its expiry and the sweep, HEAD and PATCH answer 410 UPLOAD_EXPIRED (problem+json)', async () => {
    const { location, id } = await startTus();
    await storage.bed.admin.query(
      `UPDATE objects SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    expect((await storage.http.headTus(ownerA, location)).status).toBe(410);
    const patch = await storage.http.patchTus(ownerA, location, 1000, wavBytes(1000));
    expect(patch.status).toBe(410);
    expect(patch.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await patch.json()).toMatchObject({ status: 410, code: 'UPLOAD_EXPIRED' });
  });

  it('expires the seed chunk flow too: finalize 404, and the recording can start over from chunk 0', async () => {
    const recordingId = randomUUID();
    const chunk = wavBytes(2000);
    const send = () =>
      storage.http.request('POST', `/v1/chunks/${recordingId}`, {
        principal: ownerA,
        headers: {
          'content-type': 'application/octet-stream',
          'chunk-index': '0',
          'chunk-sha256': sha256(chunk).toString('hex'),
        },
        body: chunk,
      });
    expect((await send()).status).toBeLessThan(300);
    expect(await sweeper.sweep(new Date(Date.now() + HOUR_MS + 1000))).toBeGreaterThanOrEqual(1);
    const finalized = await storage.http.request('POST', `/v1/finalize/${recordingId}`, {
      principal: ownerA,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(finalized.status).toBe(404);
    expect((await send()).status).toBeLessThan(300);
  });

  it('never sweeps a completed object, and removes only expired uploads, whatever their organization', async () => {
    const single = await storage.http.request('POST', '/v1/upload', {
      principal: ownerA,
      headers: { 'content-type': 'audio/wav' },
      body: wavBytes(3000),
    });
    expect(single.status).toBe(201);
    const { id: completedId } = (await single.json()) as { id: string };
    const stale = await startTus(ownerB);
    const fresh = await startTus(ownerA);
    // Only B's upload is past its expiry at the sweep's clock.
    await storage.bed.admin.query(
      `UPDATE objects SET expires_at = now() - interval '1 minute' WHERE id = $1`,
      [stale.id],
    );
    await sweeper.sweep(new Date());
    expect((await storage.http.headTus(ownerB, stale.location)).status).toBe(404);
    expect((await storage.http.headTus(ownerA, fresh.location)).status).toBe(200);
    expect(await exists(stagedPath(orgA, fresh.id))).toBe(true);
    const content = await storage.http.request('GET', `/v1/storage/objects/${completedId}/content`, {
      principal: ownerA,
    });
    expect(content.status).toBe(200);
    await content.arrayBuffer();
  });
});
