import { randomUUID } from 'node:crypto';
import { OBJECT_RPC, storageContract } from '@platform/contracts';
import { findTenantIsolationGaps } from '@platform/tenancy';
import { ServiceTestBed } from '@platform/testing';
import { storageService } from '../src/service-definition';
import type { StorageEnv } from '../src/config/storage-env.schema';
import {
  EDGE_SECRET,
  member,
  sha256,
  StorageHttp,
  tempStorageRoot,
  wavBytes,
} from './support/storage-fixtures';
import { runUpload, signingTusOptions, uploadUntil } from './support/tus-client';

/** The reference tus client (tus-js-client) against storage's internal port. */
describe('storage: tus-js-client uploads and resumes', () => {
  let bed: ServiceTestBed<StorageEnv, typeof storageContract>;
  let http: StorageHttp;
  let cleanupRoot: () => Promise<void>;
  const owner = member(randomUUID(), ['owner'], 'STARTER');

  beforeAll(async () => {
    const { root, cleanup } = await tempStorageRoot();
    cleanupRoot = cleanup;
    bed = (await ServiceTestBed.start(storageService, {
      contract: storageContract,
      env: { EDGE_PRINCIPAL_SECRET: EDGE_SECRET, STORAGE_LOCAL_ROOT: root },
    })) as unknown as ServiceTestBed<StorageEnv, typeof storageContract>;
    http = new StorageHttp(bed.service.url);
  }, 60_000);
  afterAll(async () => {
    await bed?.stop();
    await cleanupRoot?.();
  });

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

  it('isolates the objects table by forced row-level security (database catalogue)', async () => {
    expect(await findTenantIsolationGaps(bed.admin)).toEqual([]);
  });
});
