import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { OBJECT_RPC } from '@platform/contracts';
import { findTenantIsolationGaps } from '@platform/tenancy';
import { waitFor } from '@platform/testing';
import {
  member,
  sha256,
  StorageHttp,
  startStorageBed,
  type StartedStorage,
  type StorageBed,
  wavBytes,
} from './support/storage-fixtures';
import { runUpload, signingTusOptions, uploadUntil } from './support/tus-client';

/** The reference tus client (tus-js-client) against storage's internal port. */
describe('storage: tus-js-client uploads and resumes', () => {
  let bed: StorageBed;
  let http: StorageHttp;
  let storage: StartedStorage;
  const owner = member(randomUUID(), ['owner'], 'STARTER');

  beforeAll(async () => {
    storage = await startStorageBed({
      // Short, so the stalled-upload test waits two seconds, not thirty.
      STORAGE_UPLOAD_IDLE_TIMEOUT_MS: '2000',
      // Shorter than an upload may take: admitted uploads are exempt (the idle limit guards them).
      REQUEST_BODY_TIMEOUT_MS: '3000',
    });
    ({ bed, http } = storage);
  }, 60_000);
  afterAll(() => storage?.stop());

  it('an interrupted upload resumes from the offset the server reports and completes intact', async () => {
    const file = wavBytes(1_000_000);
    const recordingId = randomUUID();
    const options = {
      endpoint: `${bed.service.url}/v1/uploads`,
      chunkSize: 128 * 1024,
      metadata: { filename: 'interview.wav', recordingId },
      ...signingTusOptions(owner),
    };
    const url = await uploadUntil(file, 256 * 1024, options);
    const path = new URL(url).pathname;
    const offset = Number((await http.headTus(owner, path)).headers.get('upload-offset'));
    expect(offset).toBeGreaterThanOrEqual(256 * 1024);
    expect(offset).toBeLessThan(file.length);

    // A new client (e.g. after a reload) resumes at the stored URL: it HEADs, then PATCHes from there.
    const patchedFrom: number[] = [];
    await runUpload(file, {
      ...options,
      uploadUrl: url,
      onBeforeRequest: async (request) => {
        if (request.getMethod() === 'PATCH') patchedFrom.push(Number(request.getHeader('Upload-Offset')));
        await options.onBeforeRequest?.(request);
      },
    });
    expect(patchedFrom[0]).toBe(offset);

    const object = await bed.call(OBJECT_RPC.get, { id: path.split('/').pop()! }, owner);
    expect(object).toMatchObject({
      status: 'completed',
      recordingId,
      sizeBytes: file.length,
      sha256: sha256(file).toString('hex'),
      filename: 'interview.wav',
    });
  });

  it('cuts a stalled PATCH after the idle timeout, keeps what arrived, and the client resumes there', async () => {
    const file = wavBytes(50_000);
    const created = await http.createTus(owner, file.length);
    const location = created.headers.get('location')!;
    const headers = {
      ...(await http.signedHeaders('PATCH', location, owner)),
      'tus-resumable': '1.0.0',
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
      'content-length': String(file.length),
    };
    // 20,000 bytes, then silence: the connection stays open with 30,000 bytes still announced.
    const stalled = request(`${bed.service.url}${location}`, { method: 'PATCH', headers });
    stalled.on('error', () => undefined);
    stalled.write(file.subarray(0, 20_000));
    await waitFor(
      'storage to cut the stalled PATCH and keep its bytes',
      async () => (await http.headTus(owner, location)).headers.get('upload-offset') === '20000',
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    stalled.destroy();
    const rest = await http.patchTus(owner, location, 20_000, file.subarray(20_000));
    expect(rest.status).toBe(204);
    const object = await bed.call(OBJECT_RPC.get, { id: location.split('/').pop()! }, owner);
    expect(object).toMatchObject({ status: 'completed', sha256: sha256(file).toString('hex') });
  });

  it('lets an upload take longer than REQUEST_BODY_TIMEOUT_MS while its bytes keep coming', async () => {
    const file = wavBytes(40_000);
    const created = await http.createTus(owner, file.length);
    const location = created.headers.get('location')!;
    const slow = Readable.from(
      (async function* () {
        // The pace is what is tested (a real socket deadline, no clock to fake): 8 pieces 0.5 s
        // apart, 3.5 s in all, past the 3 s deadline, never idle near the 2 s limit.
        for (let i = 0; i < 8; i += 1) {
          if (i > 0) await new Promise((resolve) => setTimeout(resolve, 500));
          yield file.subarray(i * 5_000, (i + 1) * 5_000);
        }
      })(),
    );
    const answer = await http.request('PATCH', location, {
      principal: owner,
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: slow as unknown as RequestInit['body'],
      duplex: true,
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('upload-offset')).toBe('40000');
  });

  it('isolates the objects table by forced row-level security (database catalogue)', async () => {
    expect(await findTenantIsolationGaps(bed.admin)).toEqual([]);
  });
});
