import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EVENT_NAMES, OBJECT_RPC } from '@platform/contracts';
import { waitFor, EventSource } from '@platform/testing';
import { member, startStorageBed, wavBytes, type StartedStorage } from './support/storage-fixtures';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * `recordings.recording.deleted` (published by recordings' outbox relay; played here by an event
 * source on storage's vhost): storage deletes the recording's object — bytes and row (a tombstone) —
 * once per event, in the event's tenant only.
 */
describe('storage: deleting a recording deletes its object', () => {
  let storage: StartedStorage;
  let recordings: EventSource;
  const orgA = randomUUID();
  const orgB = randomUUID();
  const ownerA = member(orgA, ['owner'], 'STARTER');

  beforeAll(async () => {
    storage = await startStorageBed({
      STORAGE_DOWNLOAD_URL_SECRET: 'd'.repeat(40),
      STORAGE_PUBLIC_BASE_URL: 'https://api.example.test',
    });
    recordings = await EventSource.open(storage.bed.vhost.url);
  }, 60_000);
  afterAll(async () => {
    await recordings?.close();
    await storage?.stop();
  });

  async function uploadFor(recordingId: string, bytes = wavBytes(6000)): Promise<string> {
    const answer = await storage.http.request('POST', `/v1/upload?recordingId=${recordingId}`, {
      principal: ownerA,
      headers: { 'content-type': 'audio/wav' },
      body: bytes,
    });
    expect(answer.status).toBe(201);
    return ((await answer.json()) as { id: string }).id;
  }

  const statusOf = async (id: string): Promise<string | undefined> =>
    (
      (await storage.bed.admin.query(`SELECT status FROM objects WHERE id = $1`, [id])) as {
        status: string;
      }[]
    )[0]?.status;
  const processed = async (eventId: string): Promise<number> =>
    (
      (await storage.bed.admin.query(
        `SELECT count(*)::int AS n FROM processed_events WHERE consumer = 'storage.recording-deleted' AND event_id = $1`,
        [eventId],
      )) as { n: number }[]
    )[0]!.n;

  it('removes the bytes, keeps a tombstone: the signed link answers 410, reads and lists 404', async () => {
    const recordingId = randomUUID();
    const id = await uploadFor(recordingId);
    const file = join(storage.root, 'objects', orgA, id);
    expect(await exists(file)).toBe(true);
    const link = await storage.bed.call(OBJECT_RPC.downloadUrl, { id }, ownerA);
    const path = link.url.replace('https://api.example.test', '');
    expect((await storage.http.request('GET', path)).status).toBe(200);

    await recordings.publish(EVENT_NAMES.recordingDeleted, {
      organizationId: orgA,
      recordingId,
    });
    await waitFor('object deleted', async () => (await statusOf(id)) === 'deleted');

    expect(await exists(file)).toBe(false);
    // Metering hears of it like of any deletion (outbox, same transaction as the tombstone).
    expect(
      await storage.bed.admin.query(
        `SELECT payload FROM outbox_events WHERE routing_key = 'storage.object.deleted' AND payload->>'objectId' = $1`,
        [id],
      ),
    ).toEqual([{ payload: { organizationId: orgA, objectId: id, sizeBytes: 6000, completed: true } }]);
    const gone = await storage.http.request('GET', path);
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ status: 410, code: 'OBJECT_DELETED' });
    const content = await storage.http.request('GET', `/v1/storage/objects/${id}/content`, {
      principal: ownerA,
    });
    expect(content.status).toBe(404);
    await expect(storage.bed.call(OBJECT_RPC.get, { id }, ownerA)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const listed = await storage.bed.call(OBJECT_RPC.list, { limit: 100 }, ownerA);
    expect(listed.items.map((item) => item.id)).not.toContain(id);
    // The recording's id cannot open a second upload: a recording has one object, ever.
    const again = await storage.http.request('POST', `/v1/upload?recordingId=${recordingId}`, {
      principal: ownerA,
      headers: { 'content-type': 'audio/wav' },
      body: wavBytes(1000),
    });
    expect(again.status).toBe(409);
  });

  it('is idempotent: the same event redelivered, and a second deletion event, change nothing more', async () => {
    const recordingId = randomUUID();
    const id = await uploadFor(recordingId);
    const eventId = randomUUID();
    const payload = { organizationId: orgA, recordingId };
    await recordings.publish(EVENT_NAMES.recordingDeleted, payload, eventId);
    await recordings.publish(EVENT_NAMES.recordingDeleted, payload, eventId);
    const second = randomUUID();
    await recordings.publish(EVENT_NAMES.recordingDeleted, payload, second);
    await waitFor(
      'both events processed',
      async () => (await processed(eventId)) + (await processed(second)) === 2,
    );
    expect(await statusOf(id)).toBe('deleted');
    const [rows] = (await storage.bed.admin.query(`SELECT count(*)::int AS n FROM objects WHERE id = $1`, [
      id,
    ])) as { n: number }[];
    expect(rows).toEqual({ n: 1 });
  });

  it('deletes an upload still in progress: staged bytes removed, HEAD and PATCH answer 404', async () => {
    const recordingId = randomUUID();
    const metadata = { recordingId };
    const created = await storage.http.createTus(ownerA, 4000, metadata);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const uploadId = location.split('/').pop()!;
    expect((await storage.http.patchTus(ownerA, location, 0, wavBytes(2000))).status).toBe(204);
    const staged = join(storage.root, 'staging', orgA, uploadId);
    expect(await exists(staged)).toBe(true);

    await recordings.publish(EVENT_NAMES.recordingDeleted, {
      organizationId: orgA,
      recordingId,
    });
    await waitFor('upload deleted', async () => (await statusOf(uploadId)) === 'deleted');

    expect(await exists(staged)).toBe(false);
    expect((await storage.http.headTus(ownerA, location)).status).toBe(404);
    const patch = await storage.http.patchTus(ownerA, location, 2000, wavBytes(2000));
    expect(patch.status).toBe(404);
  });

  it('a recording deleted before any upload: its id then takes no upload in that organization (409), other organizations unaffected', async () => {
    const recordingId = randomUUID();
    const eventId = randomUUID();
    await recordings.publish(EVENT_NAMES.recordingDeleted, { organizationId: orgA, recordingId }, eventId);
    await waitFor('the deletion handled', async () => (await processed(eventId)) === 1);

    const late = await storage.http.request('POST', `/v1/upload?recordingId=${recordingId}`, {
      principal: ownerA,
      headers: { 'content-type': 'audio/wav' },
      body: wavBytes(6000),
    });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({
      code: 'CONFLICT',
      detail: 'This recording was deleted: it takes no upload',
    });
    // The seed's chunk flow is refused the same way (a tombstone is no upload to append to).
    const chunk = wavBytes(6000);
    const chunked = await storage.http.request('POST', `/v1/chunks/${recordingId}`, {
      principal: ownerA,
      headers: {
        'content-type': 'application/octet-stream',
        'chunk-index': '0',
        'chunk-sha256': createHash('sha256').update(chunk).digest('hex'),
      },
      body: chunk,
    });
    expect(chunked.status).toBe(409);
    expect(await chunked.json()).toMatchObject({ detail: 'This recording was deleted: it takes no upload' });
    // Nothing was stored for it: the tombstone has no bytes and frees nothing, lists never show it.
    const rows = (await storage.bed.admin.query(
      `SELECT status, size_bytes, received_bytes FROM objects WHERE organization_id = $1 AND recording_id = $2`,
      [orgA, recordingId],
    )) as object[];
    expect(rows).toEqual([{ status: 'deleted', size_bytes: '0', received_bytes: '0' }]);
    const outbox = (await storage.bed.admin.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE routing_key = 'storage.object.deleted'
        AND payload->>'organizationId' = $1 AND payload->>'objectId' IN
        (SELECT id::text FROM objects WHERE recording_id = $2)`,
      [orgA, recordingId],
    )) as { n: number }[];
    expect(outbox).toEqual([{ n: 0 }]);

    // Organization B's recording of the same id is its own: its upload goes through.
    const ownerB = member(orgB, ['owner'], 'STARTER');
    const other = await storage.http.request('POST', `/v1/upload?recordingId=${recordingId}`, {
      principal: ownerB,
      headers: { 'content-type': 'audio/wav' },
      body: wavBytes(6000),
    });
    expect(other.status).toBe(201);
  });

  it('a deletion by hand the store cannot carry out is rolled back (503, object intact), and goes through once retried', async () => {
    const id = await uploadFor(randomUUID());
    const file = join(storage.root, 'objects', orgA, id);
    // A directory where the file was: the driver's removal fails as a full or broken store would.
    await rm(file);
    await mkdir(file);
    await writeFile(join(file, 'obstacle'), 'x');

    await expect(storage.bed.call(OBJECT_RPC.delete, { id }, ownerA)).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(await statusOf(id)).toBe('completed');
    const announced = (await storage.bed.admin.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE routing_key = 'storage.object.deleted' AND payload->>'objectId' = $1`,
      [id],
    )) as { n: number }[];
    expect(announced).toEqual([{ n: 0 }]);

    await rm(file, { recursive: true });
    expect(await storage.bed.call(OBJECT_RPC.delete, { id }, ownerA)).toEqual({ deleted: true });
    expect(await statusOf(id)).toBeUndefined();
    expect(await exists(file)).toBe(false);
  });

  it('an event of organization B naming A’s recording deletes nothing of A', async () => {
    const recordingId = randomUUID();
    const id = await uploadFor(recordingId);
    const eventId = randomUUID();
    await recordings.publish(EVENT_NAMES.recordingDeleted, { organizationId: orgB, recordingId }, eventId);
    await waitFor('event processed', async () => (await processed(eventId)) === 1);
    expect(await statusOf(id)).toBe('completed');
    expect(await exists(join(storage.root, 'objects', orgA, id))).toBe(true);
    const own = await storage.http.request('GET', `/v1/storage/objects/${id}/content`, { principal: ownerA });
    expect(own.status).toBe(200);
    await own.arrayBuffer();
  });
});
