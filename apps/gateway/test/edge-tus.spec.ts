import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Upload } from 'tus-js-client';
import { AUTH_RPC } from '@platform/contracts';
import { startFaultProxy, waitFor, type FaultProxy } from '@platform/testing';
import { defineStreamRoute } from '../src/routes/kinds/stream-route.definition';
import { patternSlice } from './support/byte-pattern';
import { GatewayTestBed } from './support/gateway-test-bed';
import { claims, createSigningKey, signAccessToken, type SigningKey } from './support/token-mint';

const TUS_PATH = '/v1/test/uploads';
const MiB = 1024 * 1024;
const SIZE = 24 * MiB;
const ORG = '7d6c5b4a-3928-4716-8504-f3e2d1c0b9a8';

type Report = { type: string; [key: string]: unknown };

/** The tus server runs in a child process (ESM-only package); its JSON lines land in `reports`. */
async function startTusUpstream(
  directory: string,
  secret: string,
  reports: Report[],
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'support/tus-upstream.child.ts')],
    {
      cwd: join(__dirname, '../../..'),
      env: { ...process.env, TUS_DIRECTORY: directory, TUS_PATH, EDGE_PRINCIPAL_SECRET: secret },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      reports.push(JSON.parse(line) as Report);
    } catch {
      // not a report line
    }
  });
  const listening = await waitFor(
    'the tus upstream to listen',
    () => reports.find((r) => r.type === 'listening'),
    {
      timeoutMs: 30_000,
    },
  );
  return { child, port: listening.port as number };
}

describe('gateway stream route: a tus 1.0 client (tus-js-client) uploads through the gateway to @tus/server', () => {
  const uploadRoutes = (service: 'storage') => [
    defineStreamRoute({
      id: 'test.uploads.create',
      methods: ['POST', 'OPTIONS'],
      path: TUS_PATH,
      service,
      auth: 'storage:write',
      rateLimit: 'write',
      maxBodyBytes: 0,
      success: { description: 'Upload created (Location)' },
      tag: 'Test',
      summary: 'Create an upload (test)',
    }),
    defineStreamRoute({
      id: 'test.uploads.resource',
      methods: ['HEAD', 'PATCH', 'DELETE', 'GET', 'OPTIONS'],
      path: `${TUS_PATH}/:uploadId`,
      service,
      auth: 'storage:write',
      rateLimit: 'write',
      maxBodyBytes: 64 * MiB,
      success: { description: 'Offset, chunk accepted, or terminated' },
      tag: 'Test',
      summary: 'An upload (test)',
    }),
  ];
  const bed = new GatewayTestBed([AUTH_RPC.getJwks], { extraRoutes: uploadRoutes('storage') });
  const reports: Report[] = [];
  let key: SigningKey;
  let directory: string;
  let tusChild: ChildProcess;
  let proxy: FaultProxy;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'edge-tus-'));
    key = await createSigningKey();
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    const upstream = await startTusUpstream(directory, bed.edgePrincipalSecret, reports);
    tusChild = upstream.child;
    await bed.start({
      STORAGE_INTERNAL_URL: `http://127.0.0.1:${upstream.port}`,
      RATE_LIMIT_WRITE_PER_MINUTE: '1000',
      CORS_ORIGINS: 'https://app.example',
    });
    // The client reaches the gateway through a proxy the test can cut (a dropped connection).
    proxy = await startFaultProxy('127.0.0.1', Number(new URL(bed.url).port));
  }, 90_000);
  afterAll(async () => {
    await proxy?.close();
    await bed.stop();
    tusChild?.kill('SIGTERM');
    rmSync(directory, { recursive: true, force: true });
  }, 30_000);

  const token = () => signAccessToken(key, claims({ org: ORG, roles: ['developer'] }));

  it('resumes after the connection drops mid-upload; the stored bytes equal the source', async () => {
    const source = patternSlice(0, SIZE);
    const viaProxy = `http://127.0.0.1:${proxy.port}`;
    let severed = false;
    const uploadUrl = await new Promise<string>((resolve, reject) => {
      const upload = new Upload(source, {
        endpoint: `${viaProxy}${TUS_PATH}`,
        headers: { authorization: '' },
        metadata: { filename: 'call.wav', filetype: 'audio/wav' },
        retryDelays: [0, 100, 250, 500, 1000],
        onBeforeRequest: async (request) => {
          request.setHeader('authorization', `Bearer ${await token()}`);
        },
        onAfterResponse: (request) => {
          // Mid-PATCH: once a third of the body has crossed the wire, every connection through the proxy
          // drops at once (RST), as a flaky network does. Armed by bytes at the proxy, not by the client's
          // progress events, which can lag until the whole body is already through.
          if (!severed && request.getMethod() === 'POST') {
            severed = true;
            proxy.severAfterClientBytes(SIZE / 3);
          }
        },
        onError: reject,
        onSuccess: () => resolve(upload.url!),
      });
      upload.start();
    });

    expect(severed).toBe(true);
    // Location is absolute and points at the address the client used (X-Forwarded-Host), not the service.
    expect(uploadUrl.startsWith(`${viaProxy}${TUS_PATH}/`)).toBe(true);
    const id = uploadUrl.slice(uploadUrl.lastIndexOf('/') + 1);
    const finished = await waitFor('the upload to finish at the service', () =>
      reports.find((r) => r.type === 'finished' && r.id === id),
    );
    expect(finished).toMatchObject({ size: SIZE, offset: SIZE });
    expect(readFileSync(join(directory, id)).equals(source)).toBe(true);

    const requests = reports.filter((r) => r.type === 'request' && String(r.path).includes(id));
    const methods = requests.map((r) => r.method);
    // The drop cost a PATCH; the client asked for the offset (HEAD) and went on from there.
    expect(methods.filter((m) => m === 'PATCH').length).toBeGreaterThanOrEqual(2);
    expect(methods).toContain('HEAD');
    const resumedAt = Number(requests.filter((r) => r.method === 'PATCH').at(-1)!.uploadOffset);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThan(SIZE);
    expect(reports.some((r) => r.type === 'aborted' && r.method === 'PATCH')).toBe(true);
    // Every request carried a gateway-signed principal of the caller's organization, none was refused.
    expect(new Set(reports.filter((r) => r.type === 'request').map((r) => r.organizationId))).toEqual(
      new Set([ORG]),
    );
    expect(reports.filter((r) => r.type === 'refused')).toEqual([]);
  }, 120_000);

  it('relays HEAD, OPTIONS and DELETE with their tus headers; CORS exposes them to browsers', async () => {
    const authorization = `Bearer ${await token()}`;
    const created = await fetch(`${bed.url}${TUS_PATH}`, {
      method: 'POST',
      headers: {
        authorization,
        'tus-resumable': '1.0.0',
        'upload-length': '10',
        origin: 'https://app.example',
      },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect(location.startsWith(`${bed.url}${TUS_PATH}/`)).toBe(true);
    expect(created.headers.get('access-control-expose-headers')).toMatch(/upload-offset/);
    expect(created.headers.get('access-control-expose-headers')).toMatch(/location/);

    const head = await fetch(location, {
      method: 'HEAD',
      headers: { authorization, 'tus-resumable': '1.0.0' },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe('0');
    expect(head.headers.get('upload-length')).toBe('10');
    expect(head.headers.get('tus-resumable')).toBe('1.0.0');

    const options = await fetch(location, { method: 'OPTIONS', headers: { authorization } });
    expect(options.status).toBe(204);
    expect(options.headers.get('tus-version')).toMatch(/1\.0\.0/);
    expect(options.headers.get('tus-extension')).toMatch(/creation/);

    const preflight = await fetch(location, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization, tus-resumable, upload-offset, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/upload-offset/);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/PATCH/);

    const removed = await fetch(location, {
      method: 'DELETE',
      headers: { authorization, 'tus-resumable': '1.0.0' },
    });
    expect(removed.status).toBe(204);
    const gone = await fetch(location, {
      method: 'HEAD',
      headers: { authorization, 'tus-resumable': '1.0.0' },
    });
    expect([404, 410]).toContain(gone.status);
  });

  it('never lets an unauthenticated tus request reach the service', async () => {
    const before = reports.length;
    const response = await fetch(`${bed.url}${TUS_PATH}`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(reports.slice(before)).toEqual([]);
  });
});
