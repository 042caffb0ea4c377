import { randomUUID } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EVENT_NAMES, MULTIPART_RPC, OBJECT_RPC, storageContract } from '@platform/contracts';
import { ServiceTestBed, startFakeS3, waitFor, type FakeS3, EventSource } from '@platform/testing';
import { storageService } from '../src/service-definition';
import type { StorageEnv } from '../src/config/storage-env.schema';
import {
  disguisedPdf,
  EDGE_SECRET,
  member,
  sha256,
  StorageHttp,
  tempStorageRoot,
  wavBytes,
} from './support/storage-fixtures';

const MiB = 1024 * 1024;

/** The S3 driver, through the real AWS SDK, against a local S3-compatible server (s3rver). */
describe('storage: S3 driver (server-side multipart, presigned multipart and downloads)', () => {
  let bed: ServiceTestBed<StorageEnv, typeof storageContract>;
  let http: StorageHttp;
  let s3: FakeS3;
  let client: S3Client;
  let cleanupRoot: () => Promise<void>;
  const orgA = randomUUID();
  const ownerA = member(orgA, ['owner'], 'STARTER');
  const ownerB = member(randomUUID(), ['owner'], 'STARTER');

  beforeAll(async () => {
    const { root, cleanup } = await tempStorageRoot();
    cleanupRoot = cleanup;
    s3 = await startFakeS3();
    client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    bed = (await ServiceTestBed.start(storageService, {
      contract: storageContract,
      env: {
        EDGE_PRINCIPAL_SECRET: EDGE_SECRET,
        STORAGE_LOCAL_ROOT: root,
        STORAGE_S3_PART_SIZE_BYTES: String(5 * MiB),
        ...s3.env,
      },
      rpcTimeoutMs: 20_000,
    })) as unknown as ServiceTestBed<StorageEnv, typeof storageContract>;
    http = new StorageHttp(bed.service.url);
  }, 60_000);
  afterAll(async () => {
    await bed?.stop();
    client?.destroy();
    await s3?.stop();
    await cleanupRoot?.();
  });

  const bucketBytes = async (key: string) =>
    Buffer.from(
      await (
        await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))
      ).Body!.transformToByteArray(),
    );

  it('moves a finished tus upload into the bucket with a multipart upload (3 parts of 5 MiB)', async () => {
    const bytes = wavBytes(11 * MiB);
    const created = await http.createTus(ownerA, bytes.length);
    const location = created.headers.get('location')!;
    expect((await http.patchTus(ownerA, location, 0, bytes.subarray(0, 6 * MiB))).status).toBe(204);
    expect((await http.patchTus(ownerA, location, 6 * MiB, bytes.subarray(6 * MiB))).status).toBe(204);
    const id = location.split('/').pop()!;
    // Buffer.equals: a deep toEqual over 11 MiB would block the event loop for minutes.
    expect((await bucketBytes(`${orgA}/${id}`)).equals(bytes)).toBe(true);

    // Download: an S3 presigned URL, which honours Range itself.
    const link = await bed.call(OBJECT_RPC.downloadUrl, { id }, ownerA);
    expect(link.url.startsWith(`${s3.endpoint}/${s3.bucket}/${orgA}/${id}?`)).toBe(true);
    expect(link.url).toContain('X-Amz-Signature=');
    const part = await fetch(link.url, { headers: { range: 'bytes=5242870-5242889' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(5_242_870, 5_242_890))).toBe(true);

    // Deletion removes the bytes from the bucket.
    await bed.call(OBJECT_RPC.delete, { id }, ownerA);
    await expect(
      client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${orgA}/${id}` })),
    ).rejects.toMatchObject({
      name: 'NotFound',
    });
  });

  it('presigned multipart: initiate, sign part URLs, PUT the parts straight to S3, complete', async () => {
    const bytes = wavBytes(7 * MiB + 123);
    const recordingId = randomUUID();
    const started = await bed.call(
      MULTIPART_RPC.initiate,
      { sizeBytes: bytes.length, recordingId, filename: 'long.wav' },
      ownerA,
    );
    expect(started).toMatchObject({ partSizeBytes: 5 * MiB, partCount: 2 });
    const { parts } = await bed.call(
      MULTIPART_RPC.partUrls,
      { objectId: started.objectId, partNumbers: [1, 2] },
      ownerA,
    );
    const etags = await Promise.all(
      parts.map(async ({ partNumber, url }) => {
        const body = bytes.subarray((partNumber - 1) * 5 * MiB, partNumber * 5 * MiB);
        const answer = await fetch(url, { method: 'PUT', body });
        expect(answer.status).toBe(200);
        return { partNumber, etag: answer.headers.get('etag')! };
      }),
    );
    // Another organization can neither sign, complete nor abort it.
    await expect(
      bed.call(MULTIPART_RPC.partUrls, { objectId: started.objectId, partNumbers: [1] }, ownerB),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      bed.call(MULTIPART_RPC.complete, { objectId: started.objectId, parts: etags }, ownerB),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bed.call(MULTIPART_RPC.abort, { objectId: started.objectId }, ownerB)).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );

    const object = await bed.call(
      MULTIPART_RPC.complete,
      { objectId: started.objectId, parts: etags },
      ownerA,
    );
    expect(object).toMatchObject({
      id: started.objectId,
      status: 'completed',
      sizeBytes: bytes.length,
      contentType: 'audio/wav',
      sha256: sha256(bytes).toString('hex'),
      recordingId,
    });
    const event = await waitFor('the completion event', async () => {
      const rows: { payload: { objectId: string } }[] = await bed.admin.query(
        `SELECT payload FROM outbox_events WHERE routing_key = $1 AND payload->>'objectId' = $2`,
        [EVENT_NAMES.uploadCompleted, started.objectId],
      );
      return rows[0];
    });
    expect(event.payload).toMatchObject({ recordingId, sizeBytes: bytes.length });
  });

  it('presigned multipart of a disguised file: refused at complete, removed with its record', async () => {
    const pdf = disguisedPdf(1000);
    const started = await bed.call(MULTIPART_RPC.initiate, { sizeBytes: pdf.length }, ownerA);
    const { parts } = await bed.call(
      MULTIPART_RPC.partUrls,
      { objectId: started.objectId, partNumbers: [1] },
      ownerA,
    );
    const answer = await fetch(parts[0]!.url, { method: 'PUT', body: pdf });
    await expect(
      bed.call(
        MULTIPART_RPC.complete,
        { objectId: started.objectId, parts: [{ partNumber: 1, etag: answer.headers.get('etag')! }] },
        ownerA,
      ),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    await expect(bed.call(OBJECT_RPC.get, { id: started.objectId }, ownerA)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // S3 was told: the multipart upload (and any part already sent) is aborted, not left to bill.
    const [{ multipart_upload_id: uploadId } = { multipart_upload_id: '' }] = [] as {
      multipart_upload_id: string;
    }[];
    void uploadId;
    expect([...s3.abortedUploads].length).toBeGreaterThanOrEqual(1);
  });

  it('presigned multipart over the quota is refused at initiate', async () => {
    const onFree = member(randomUUID(), ['owner'], 'FREE');
    await expect(
      bed.call(MULTIPART_RPC.initiate, { sizeBytes: 2 * 1024 ** 3 }, onFree),
    ).rejects.toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
    });
    await expect(
      bed.call(MULTIPART_RPC.partUrls, { objectId: randomUUID(), partNumbers: [1] }, onFree),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('abort removes the upload and frees its reservation, and aborts the multipart upload at S3', async () => {
    const started = await bed.call(MULTIPART_RPC.initiate, { sizeBytes: 6 * MiB }, ownerA);
    const [row] = (await bed.admin.query(`SELECT multipart_upload_id FROM objects WHERE id = $1`, [
      started.objectId,
    ])) as { multipart_upload_id: string }[];
    expect(s3.abortedUploads.has(row!.multipart_upload_id)).toBe(false);

    expect(await bed.call(MULTIPART_RPC.abort, { objectId: started.objectId }, ownerA)).toEqual({
      aborted: true,
    });
    await expect(bed.call(OBJECT_RPC.get, { id: started.objectId }, ownerA)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // S3 was told: the multipart upload (and any part already sent) does not stay behind to bill.
    expect(s3.abortedUploads.has(row!.multipart_upload_id)).toBe(true);
  });

  it('a deleted recording’s object is deleted from the bucket (recordings.recording.deleted)', async () => {
    const recordingId = randomUUID();
    const bytes = wavBytes(64 * 1024);
    const uploaded = await http.request('POST', `/v1/upload?recordingId=${recordingId}`, {
      principal: ownerA,
      headers: { 'content-type': 'audio/wav' },
      body: bytes,
    });
    expect(uploaded.status).toBe(201);
    const { id } = (await uploaded.json()) as { id: string };
    expect((await bucketBytes(`${orgA}/${id}`)).equals(bytes)).toBe(true);

    const recordings = await EventSource.open(bed.vhost.url);
    try {
      await recordings.publish(EVENT_NAMES.recordingDeleted, {
        organizationId: orgA,
        recordingId,
      });
    } finally {
      await recordings.close();
    }
    await waitFor('object deleted', async () => {
      const [row] = (await bed.admin.query(`SELECT status FROM objects WHERE id = $1`, [id])) as {
        status: string;
      }[];
      return row?.status === 'deleted';
    });
    await expect(
      client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${orgA}/${id}` })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });
});
