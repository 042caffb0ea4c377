import { randomUUID } from 'node:crypto';
import { Upload, type UploadOptions } from 'tus-js-client';
import { AUTH_RPC, OBJECT_RPC, PLANS, storageContract } from '@platform/contracts';
import { ServiceTestBed } from '@platform/testing';
import { GatewayTestBed } from '../apps/gateway/test/support/gateway-test-bed';
import {
  claims,
  createSigningKey,
  signAccessToken,
  type SigningKey,
} from '../apps/gateway/test/support/token-mint';
import type { StorageEnv } from '../apps/storage/src/config/storage-env.schema';
import { storageService } from '../apps/storage/src/service-definition';
import {
  disguisedPdf,
  sha256,
  tempStorageRoot,
  wavBytes,
} from '../apps/storage/test/support/storage-fixtures';

/**
 * Storage through the real gateway's stream routes: an access token at the gateway, the signed
 * `x-platform-principal` from there to storage's internal port, bytes piped both ways.
 */
describe('storage uploads through the gateway (stream routes)', () => {
  const gateway = new GatewayTestBed([AUTH_RPC.getJwks]);
  let storage: ServiceTestBed<StorageEnv, typeof storageContract>;
  let key: SigningKey;
  let cleanupRoot: () => Promise<void>;
  const orgA = randomUUID();
  const orgB = randomUUID();

  beforeAll(async () => {
    const { root, cleanup } = await tempStorageRoot();
    cleanupRoot = cleanup;
    storage = await ServiceTestBed.start(storageService, {
      contract: storageContract,
      env: { EDGE_PRINCIPAL_SECRET: gateway.edgePrincipalSecret, STORAGE_LOCAL_ROOT: root },
    });
    key = await createSigningKey();
    gateway.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    await gateway.start({
      STORAGE_INTERNAL_URL: storage.service.url,
      RATE_LIMIT_WRITE_PER_MINUTE: '1000',
      RATE_LIMIT_READ_PER_MINUTE: '1000',
    });
  }, 90_000);
  afterAll(async () => {
    await gateway.stop();
    await storage?.stop();
    await cleanupRoot?.();
  }, 30_000);

  const bearer = async (org: string, plan: 'FREE' | 'STARTER' = 'STARTER') =>
    `Bearer ${await signAccessToken(key, claims({ org, roles: ['developer'], plan }))}`;
  const tus = (authorization: string, extra: Record<string, string> = {}) => ({
    authorization,
    'tus-resumable': '1.0.0',
    ...extra,
  });
  const principalOf = (org: string) => ({
    kind: 'user' as const,
    userId: randomUUID(),
    organizationId: org,
    roles: ['developer' as const],
    scopes: [],
    apiKeyId: null,
  });

  async function create(authorization: string, length: number): Promise<string> {
    const created = await fetch(`${gateway.url}/v1/uploads`, {
      method: 'POST',
      headers: tus(authorization, { 'upload-length': String(length) }),
    });
    expect(created.status).toBe(201);
    return created.headers.get('location')!;
  }

  const patch = (authorization: string, location: string, offset: number, body: Buffer, checksum?: Buffer) =>
    fetch(`${gateway.url}${location}`, {
      method: 'PATCH',
      headers: tus(authorization, {
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        ...(checksum ? { 'upload-checksum': `sha256 ${checksum.toString('base64')}` } : {}),
      }),
      body,
    });

  it('tus-js-client: an upload stopped midway resumes from its offset and completes intact', async () => {
    const file = wavBytes(3 * 1024 * 1024);
    const authorization = await bearer(orgA);
    const options: UploadOptions = {
      endpoint: `${gateway.url}/v1/uploads`,
      chunkSize: 512 * 1024,
      retryDelays: [],
      headers: { authorization },
      metadata: { filename: 'call.wav' },
    };
    const url = await new Promise<string>((resolve, reject) => {
      const upload: Upload = new Upload(file, {
        ...options,
        onChunkComplete: (_size, accepted) => {
          if (accepted >= 1024 * 1024) void upload.abort().then(() => resolve(upload.url!), reject);
        },
        onError: reject,
      });
      upload.start();
    });
    expect(url.startsWith(`${gateway.url}/v1/uploads/`)).toBe(true);
    const head = await fetch(url, { method: 'HEAD', headers: tus(authorization) });
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThanOrEqual(1024 * 1024);
    expect(offset).toBeLessThan(file.length);

    const resumedFrom: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const upload = new Upload(file, {
        ...options,
        uploadUrl: url,
        onBeforeRequest: (request) => {
          if (request.getMethod() === 'PATCH') resumedFrom.push(Number(request.getHeader('Upload-Offset')));
        },
        onSuccess: () => resolve(),
        onError: reject,
      });
      upload.start();
    });
    expect(resumedFrom[0]).toBe(offset);
    const object = await storage.call(OBJECT_RPC.get, { id: url.split('/').pop()! }, principalOf(orgA));
    expect(object).toMatchObject({
      status: 'completed',
      sizeBytes: file.length,
      sha256: sha256(file).toString('hex'),
    });

    // And the bytes come back through the gateway, Range included.
    const content = await fetch(`${gateway.url}/v1/storage/objects/${object.id}/content`, {
      headers: { authorization, range: 'bytes=100-199' },
    });
    expect(content.status).toBe(206);
    expect(Buffer.from(await content.arrayBuffer()).equals(file.subarray(100, 200))).toBe(true);
  }, 120_000);

  it('a PATCH with the wrong checksum gets 460 problem+json through the gateway', async () => {
    const authorization = await bearer(orgA);
    const location = await create(authorization, 10_000);
    const bytes = wavBytes(10_000);
    const refused = await patch(authorization, location, 0, bytes, sha256(Buffer.from('nope')));
    expect(refused.status).toBe(460);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({ code: 'CHECKSUM_MISMATCH', status: 460 });
    const accepted = await patch(authorization, location, 0, bytes, sha256(bytes));
    expect(accepted.status).toBe(204);
    expect(accepted.headers.get('upload-offset')).toBe('10000');
  });

  it('over the plan quota: problem+json naming the limit, the plan and the usage', async () => {
    const org = randomUUID();
    const authorization = await bearer(org, 'FREE');
    const over = await fetch(`${gateway.url}/v1/uploads`, {
      method: 'POST',
      headers: tus(authorization, { 'upload-length': String(PLANS.FREE.storageBytes + 1) }),
    });
    expect(over.status).toBe(403);
    expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await over.json()).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      limit: { name: 'storageBytes', plan: 'FREE', max: PLANS.FREE.storageBytes, usage: 0 },
    });
  });

  it('a disguised file is refused (415 problem+json), by tus and by the single-shot upload', async () => {
    const authorization = await bearer(orgA);
    const pdf = disguisedPdf();
    const location = await create(authorization, pdf.length);
    const refused = await patch(authorization, location, 0, pdf);
    expect(refused.status).toBe(415);
    expect(await refused.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const single = await fetch(`${gateway.url}/v1/upload?filename=song.mp3`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'audio/mpeg' },
      body: pdf,
    });
    expect(single.status).toBe(415);
  });

  it('the seed flow: chunks with their SHA-256, then finalize', async () => {
    const authorization = await bearer(orgA);
    const recordingId = randomUUID();
    const bytes = wavBytes(200_000);
    for (const [index, part] of [bytes.subarray(0, 120_000), bytes.subarray(120_000)].entries()) {
      const answer = await fetch(`${gateway.url}/v1/chunks/${recordingId}`, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/octet-stream',
          'chunk-index': String(index),
          'chunk-sha256': sha256(part).toString('hex'),
        },
        body: part,
      });
      expect(answer.status).toBe(200);
    }
    const finalized = await fetch(`${gateway.url}/v1/finalize/${recordingId}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: sha256(bytes).toString('hex') }),
    });
    expect(finalized.status).toBe(200);
    expect(await finalized.json()).toMatchObject({ recordingId, status: 'completed', sizeBytes: 200_000 });
  });

  it('no organization can HEAD, PATCH, download or delete another organization’s upload or object', async () => {
    const ownerA = await bearer(orgA);
    const intruder = await bearer(orgB);
    const location = await create(ownerA, 2000);
    expect((await patch(ownerA, location, 0, wavBytes(1000))).status).toBe(204);

    expect(
      (await fetch(`${gateway.url}${location}`, { method: 'HEAD', headers: tus(intruder) })).status,
    ).toBe(404);
    const foreignPatch = await patch(intruder, location, 1000, wavBytes(1000));
    expect(foreignPatch.status).toBe(404);
    expect(await foreignPatch.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      (await fetch(`${gateway.url}${location}`, { method: 'DELETE', headers: tus(intruder) })).status,
    ).toBe(404);

    const single = await fetch(`${gateway.url}/v1/upload`, {
      method: 'POST',
      headers: { authorization: ownerA, 'content-type': 'audio/wav' },
      body: wavBytes(5000),
    });
    const { id } = (await single.json()) as { id: string };
    const foreignDownload = await fetch(`${gateway.url}/v1/storage/objects/${id}/content`, {
      headers: { authorization: intruder },
    });
    expect(foreignDownload.status).toBe(404);

    // A's upload and object are untouched.
    const headA = await fetch(`${gateway.url}${location}`, { method: 'HEAD', headers: tus(ownerA) });
    expect(headA.headers.get('upload-offset')).toBe('1000');
    const own = await fetch(`${gateway.url}/v1/storage/objects/${id}/content`, {
      headers: { authorization: ownerA },
    });
    expect(own.status).toBe(200);
    expect((await own.arrayBuffer()).byteLength).toBe(5000);
  });

  it('never lets a request without credentials reach storage', async () => {
    const anonymous = await fetch(`${gateway.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' },
    });
    expect(anonymous.status).toBe(401);
    // A client-sent x-platform-principal is not forwarded: a forged one is worth nothing.
    const forged = await fetch(`${gateway.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10', 'x-platform-principal': 'forged' },
    });
    expect(forged.status).toBe(401);
  });
});
