import { createHash } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AUTH_RPC, type Principal } from '@platform/contracts';
import { EDGE_PRINCIPAL_HEADER, verifyEdgePrincipal } from '@platform/edge-principal';
import { waitFor } from '@platform/testing';
import { defineStreamRoute } from '../src/routes/kinds/stream-route.definition';
import { patternSha256, patternSlice, patternStream, peakRssDuring } from './support/byte-pattern';
import { GatewayTestBed } from './support/gateway-test-bed';
import { claims, createSigningKey, signAccessToken, type SigningKey } from './support/token-mint';
import { closedPortUrl, startUpstreamServer, type UpstreamServer } from './support/upstream-server';

const MiB = 1024 * 1024;
const BIG = 200 * MiB;
const SMALL_LIMIT = 1 * MiB;
/**
 * RSS growth allowed while 200 MB cross the gateway in this process (client, gateway and stand-in
 * service all in it): a buffered body alone would add ≥ 200 MB; streamed, only socket buffers and
 * not-yet-collected 64 KiB chunks remain.
 */
const RSS_BOUND = 96 * MiB;
/** The whole-request deadline of this gateway (slow-body defence of JSON routes). */
const REQUEST_DEADLINE_MS = 2000;

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  principal?: Principal;
  refused?: string;
  bytes: number;
  aborted: boolean;
}

describe('gateway stream route: bytes piped to the owning service’s internal port, principal signed', () => {
  const bed = new GatewayTestBed([AUTH_RPC.getJwks], {
    extraRoutes: [
      defineStreamRoute({
        id: 'test.storage.files',
        methods: ['GET', 'HEAD', 'PUT'],
        path: '/v1/test/files/:name',
        service: 'storage',
        auth: 'storage:write',
        credentials: ['user'],
        rateLimit: 'write',
        maxBodyBytes: 256 * MiB,
        success: { description: 'Stored or served' },
        tag: 'Test',
        summary: 'Files (test)',
      }),
      defineStreamRoute({
        id: 'test.storage.small',
        methods: ['PUT'],
        path: '/v1/test/small/:name',
        service: 'storage',
        auth: 'storage:write',
        rateLimit: 'write',
        maxBodyBytes: SMALL_LIMIT,
        success: { description: 'Stored' },
        tag: 'Test',
        summary: 'Small files (test)',
      }),
      defineStreamRoute({
        id: 'test.recordings.down',
        methods: ['GET'],
        path: '/v1/test/recordings/:name',
        service: 'recordings',
        auth: 'recordings:read',
        rateLimit: 'read',
        maxBodyBytes: 0,
        success: { description: 'Served' },
        tag: 'Test',
        summary: 'A service that is down (test)',
      }),
    ],
  });
  let key: SigningKey;
  let upstream: UpstreamServer;
  const seen: Seen[] = [];
  /** The stand-in's slow reader: paused while `release` is pending. */
  const slowReader: { paused: boolean; release?: Promise<void> } = { paused: false };

  beforeAll(async () => {
    key = await createSigningKey();
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    // The storage service's internal port: verifies the principal as EdgeAuthenticated does, then
    // counts and hashes uploads, serves the pattern (with ranges), all streamed.
    upstream = await startUpstreamServer(async (request, response) => {
      const entry: Seen = {
        method: request.method!,
        url: request.url!,
        headers: request.headers,
        bytes: 0,
        aborted: false,
      };
      seen.push(entry);
      try {
        const header = request.headers[EDGE_PRINCIPAL_HEADER];
        entry.principal = (
          await verifyEdgePrincipal(typeof header === 'string' ? header : undefined, {
            secret: bed.edgePrincipalSecret,
            audience: 'storage',
            method: request.method!,
            path: request.url!,
          })
        ).principal;
      } catch (error) {
        entry.refused = (error as { reason?: string }).reason;
        response.writeHead(401).end();
        return;
      }
      if (request.method === 'PUT') return receive(request, entry, response);
      response.on('close', () => {
        if (!response.writableFinished) entry.aborted = true;
      });
      return serve(request, response);
    });
    await bed.start({
      STORAGE_INTERNAL_URL: upstream.url,
      RECORDINGS_INTERNAL_URL: await closedPortUrl(),
      GATEWAY_BREAKER_CONSECUTIVE_FAILURES: '3',
      GATEWAY_BREAKER_MIN_REQUESTS: '1000',
      GATEWAY_BREAKER_COOLDOWN_SECONDS: '60',
      RATE_LIMIT_WRITE_PER_MINUTE: '1000',
      RATE_LIMIT_READ_PER_MINUTE: '1000',
      // Far below how long the 200 MB transfers take: admitted streams must be exempt from it.
      REQUEST_BODY_TIMEOUT_MS: String(REQUEST_DEADLINE_MS),
    });
  }, 60_000);
  afterAll(async () => {
    await bed.stop();
    await upstream.close();
  }, 30_000);
  beforeEach(() => seen.splice(0));

  async function receive(
    request: IncomingMessage,
    entry: Seen,
    response: http.ServerResponse,
  ): Promise<void> {
    const hash = createHash('sha256');
    request.on('close', () => {
      if (!request.complete) entry.aborted = true;
    });
    for await (const chunk of request) {
      entry.bytes += (chunk as Buffer).length;
      hash.update(chunk as Buffer);
      // A slow disk: past 1 MiB this upload stops being read until the test lets go.
      if (entry.url.includes('slow-reader') && entry.bytes >= MiB && slowReader.release) {
        slowReader.paused = true;
        await slowReader.release;
      }
    }
    response.writeHead(201, { 'content-type': 'application/json', location: entry.url });
    response.end(JSON.stringify({ bytes: entry.bytes, sha256: hash.digest('hex') }));
  }

  async function serve(request: IncomingMessage, response: http.ServerResponse): Promise<void> {
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
    if (range) {
      const [start, end] = [Number(range[1]), Number(range[2])];
      response.writeHead(206, {
        'content-range': `bytes ${start}-${end}/${BIG}`,
        'content-length': String(end - start + 1),
        'accept-ranges': 'bytes',
      });
      await pipeline(patternStream(start, end + 1), response);
      return;
    }
    response.writeHead(200, { 'content-length': String(BIG), 'accept-ranges': 'bytes' });
    if (request.method === 'HEAD') return void response.end();
    await pipeline(patternStream(0, BIG), response);
  }

  const tokenFor = (overrides: Parameters<typeof claims>[0] = {}) =>
    signAccessToken(key, claims({ roles: ['developer'], ...overrides }));

  /** A raw HTTP call (fetch cannot stream a 200 MB upload without buffering it in every runtime). */
  function call(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: NodeJS.ReadableStream,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = http.request(`${bed.url}${path}`, { method, headers }, resolve);
      request.on('error', reject);
      if (body) body.pipe(request);
      else request.end();
    });
  }

  async function json(response: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  }

  it('uploads 200 MB (chunked, no Content-Length) with the gateway’s RSS growth bounded; the service sees every byte', async () => {
    const org = '6c9a5b1e-2f3d-4a8b-9c7e-1d2f3a4b5c6d';
    const token = await tokenFor({ org });
    const before = process.memoryUsage().rss;
    const { result: response, peak } = await peakRssDuring(() =>
      call('PUT', '/v1/test/files/big.bin', { authorization: `Bearer ${token}` }, patternStream(0, BIG)),
    );
    const body = await json(response);
    expect(response.statusCode).toBe(201);
    expect(body).toEqual({ bytes: BIG, sha256: patternSha256(BIG) });
    expect(peak - before).toBeLessThan(RSS_BOUND);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.principal).toMatchObject({ kind: 'user', organizationId: org, roles: ['developer'] });
    expect(response.headers.location).toBe('/v1/test/files/big.bin');
    process.stdout.write(
      `edge-stream: 200 MB upload, RSS growth ${((peak - before) / MiB).toFixed(1)} MiB\n`,
    );
  }, 180_000);

  it('downloads 200 MB with Content-Length relayed and RSS growth bounded, and serves a Range as 206', async () => {
    const token = await tokenFor();
    const before = process.memoryUsage().rss;
    const { result, peak } = await peakRssDuring(async () => {
      const response = await call('GET', '/v1/test/files/big.bin', { authorization: `Bearer ${token}` });
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of response) {
        bytes += (chunk as Buffer).length;
        hash.update(chunk as Buffer);
      }
      return { response, bytes, sha256: hash.digest('hex') };
    });
    expect(result.response.statusCode).toBe(200);
    expect(result.response.headers['content-length']).toBe(String(BIG));
    expect({ bytes: result.bytes, sha256: result.sha256 }).toEqual({
      bytes: BIG,
      sha256: patternSha256(BIG),
    });
    expect(peak - before).toBeLessThan(RSS_BOUND);
    process.stdout.write(
      `edge-stream: 200 MB download, RSS growth ${((peak - before) / MiB).toFixed(1)} MiB\n`,
    );

    const ranged = await call('GET', '/v1/test/files/big.bin', {
      authorization: `Bearer ${token}`,
      range: 'bytes=100000000-100000999',
    });
    const chunks: Buffer[] = [];
    for await (const chunk of ranged) chunks.push(chunk as Buffer);
    expect(ranged.statusCode).toBe(206);
    expect(ranged.headers['content-range']).toBe(`bytes 100000000-100000999/${BIG}`);
    expect(Buffer.concat(chunks).equals(patternSlice(100_000_000, 100_001_000))).toBe(true);
    expect(seen[seen.length - 1]!.headers.range).toBe('bytes=100000000-100000999');
  }, 180_000);

  it('answers HEAD with the service’s headers and no body', async () => {
    const response = await call('HEAD', '/v1/test/files/big.bin', {
      authorization: `Bearer ${await tokenFor()}`,
    });
    response.resume();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe(String(BIG));
    expect(seen.map((s) => s.method)).toEqual(['HEAD']);
  });

  it('never forwards client credentials or a client-made principal; the service gets the gateway’s for the caller’s org only', async () => {
    const org = '0f1e2d3c-4b5a-4697-8877-665544332211';
    const otherOrg = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJwcmluY2lwYWwiOnt9fQ.forged';
    const response = await call(
      'PUT',
      '/v1/test/files/small.txt?version=2',
      {
        authorization: `Bearer ${await tokenFor({ org })}`,
        cookie: 'session=abc',
        [EDGE_PRINCIPAL_HEADER]: forged,
        'x-forwarded-host': 'evil.example',
        'content-type': 'application/octet-stream',
        'content-length': '5',
        'upload-metadata': 'filename aGVsbG8=',
      },
      patternStream(0, 5),
    );
    await json(response);
    expect(response.statusCode).toBe(201);
    const [entry] = seen;
    expect(entry!.refused).toBeUndefined();
    expect(entry!.url).toBe('/v1/test/files/small.txt?version=2');
    expect(entry!.headers[EDGE_PRINCIPAL_HEADER]).not.toBe(forged);
    expect(entry!.principal!.organizationId).toBe(org);
    expect(JSON.stringify(entry!.principal)).not.toContain(otherOrg);
    // (x-api-key, x-organization-code and x-user-id beside a bearer token are refused by the gateway
    // outright; forwarded-headers.spec.ts shows they are never forwarded either.)
    for (const name of ['authorization', 'cookie']) {
      expect({ name, value: entry!.headers[name] }).toEqual({ name, value: undefined });
    }
    // The gateway's own view of where it was reached, so the service can build URLs pointing at it.
    expect(entry!.headers['x-forwarded-host']).toBe(new URL(bed.url).host);
    expect(entry!.headers['x-forwarded-proto']).toBe('http');
    expect(entry!.headers['x-forwarded-for']).toBe('127.0.0.1');
    // What the service needs of the client's own request is kept.
    expect(entry!.headers['content-type']).toBe('application/octet-stream');
    expect(entry!.headers['upload-metadata']).toBe('filename aGVsbG8=');
  });

  it('gives each caller a principal of its own organization (two tenants, same route)', async () => {
    const orgA = '1a1a1a1a-1a1a-41a1-81a1-1a1a1a1a1a1a';
    const orgB = '2b2b2b2b-2b2b-42b2-82b2-2b2b2b2b2b2b';
    for (const org of [orgA, orgB]) {
      const response = await call('HEAD', '/v1/test/files/x', {
        authorization: `Bearer ${await tokenFor({ org })}`,
      });
      response.resume();
    }
    expect(seen.map((s) => s.principal?.organizationId)).toEqual([orgA, orgB]);
  });

  it('refuses an unauthenticated or unauthorized caller before the service sees a byte', async () => {
    const anonymous = await call('PUT', '/v1/test/files/x', { 'content-length': '3' }, patternStream(0, 3));
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await json(anonymous)).toMatchObject({ code: 'UNAUTHENTICATED' });

    const viewer = await call(
      'PUT',
      '/v1/test/files/x',
      { authorization: `Bearer ${await tokenFor({ roles: ['viewer'] })}`, 'content-length': '3' },
      patternStream(0, 3),
    );
    expect(viewer.statusCode).toBe(403);
    expect(await json(viewer)).toMatchObject({ code: 'FORBIDDEN' });
    expect(seen).toHaveLength(0);
  });

  it('answers 413 when Content-Length is over the route’s limit, without calling the service', async () => {
    const response = await call(
      'PUT',
      '/v1/test/small/x',
      { authorization: `Bearer ${await tokenFor()}`, 'content-length': String(SMALL_LIMIT + 1) },
      patternStream(0, SMALL_LIMIT + 1),
    );
    expect(response.statusCode).toBe(413);
    expect(await json(response)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(seen).toHaveLength(0);
  });

  it('stops a chunked body at the limit: 413 to the client, the service gets at most the limit and an abort', async () => {
    const response = await call(
      'PUT',
      '/v1/test/small/x',
      { authorization: `Bearer ${await tokenFor()}` },
      patternStream(0, 8 * SMALL_LIMIT),
    );
    expect(response.statusCode).toBe(413);
    expect(await json(response)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const entry = await waitFor('the service to see the aborted upload', () => seen.find((s) => s.aborted));
    expect(entry.bytes).toBeLessThanOrEqual(SMALL_LIMIT);
  });

  it('aborts the upstream request when the client goes away mid-upload', async () => {
    const token = await tokenFor();
    const source = patternStream(0, 64 * MiB);
    const request = http.request(`${bed.url}/v1/test/files/cut.bin`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}` },
    });
    request.on('error', () => undefined);
    source.pipe(request);
    await waitFor('some bytes at the service', () => (seen[0]?.bytes ?? 0) > MiB);
    request.destroy();
    const entry = await waitFor('the service to see the abort', () => seen.find((s) => s.aborted));
    expect(entry.bytes).toBeLessThan(64 * MiB);
  });

  it('lets an admitted upload arrive slower than REQUEST_BODY_TIMEOUT_MS while its bytes keep moving', async () => {
    const chunks = 20;
    const paced = Readable.from(
      (async function* () {
        for (let i = 0; i < chunks; i++) {
          // Pacing the sender (not waiting for a result): 20 × 200 ms ≈ twice the 2 s deadline.
          await new Promise((resolve) => setTimeout(resolve, (2 * REQUEST_DEADLINE_MS) / chunks));
          yield patternSlice(i * 65536, (i + 1) * 65536);
        }
      })(),
    );
    const started = Date.now();
    const response = await call(
      'PUT',
      '/v1/test/files/slow.bin',
      { authorization: `Bearer ${await tokenFor()}` },
      paced,
    );
    const body = await json(response);
    expect(Date.now() - started).toBeGreaterThan(REQUEST_DEADLINE_MS);
    expect(response.statusCode).toBe(201);
    expect(body).toEqual({ bytes: chunks * 65536, sha256: patternSha256(chunks * 65536) });
  });

  it('applies backpressure end to end: a service that stops reading stops the client’s upload', async () => {
    let letGo!: () => void;
    slowReader.release = new Promise<void>((resolve) => (letGo = resolve));
    let produced = 0;
    const total = 64 * MiB;
    const source = Readable.from(
      (async function* () {
        for (let offset = 0; offset < total; offset += 64 * 1024) {
          produced += 64 * 1024;
          yield patternSlice(offset, offset + 64 * 1024);
        }
      })(),
    );
    const answer = call(
      'PUT',
      '/v1/test/files/slow-reader.bin',
      { authorization: `Bearer ${await tokenFor()}` },
      source,
    );
    await waitFor('the service to stop reading', () => slowReader.paused);
    // While the service reads nothing, only socket and stream buffers fill, then the client is paused.
    const samples: number[] = [];
    await waitFor('20 samples of what the client produced', () => samples.push(produced) >= 20, {
      intervalMs: 50,
    });
    const received = seen[0]!.bytes;
    expect(Math.max(...samples) - received).toBeLessThan(24 * MiB);
    expect(produced).toBeLessThan(total);
    letGo();
    slowReader.release = undefined;
    const response = await answer;
    expect(response.statusCode).toBe(201);
    expect(await json(response)).toEqual({ bytes: total, sha256: patternSha256(total) });
    process.stdout.write(
      `edge-stream: paused service, client ran ahead by ${((Math.max(...samples) - received) / MiB).toFixed(1)} MiB\n`,
    );
  });

  it('stops the service’s download when the client goes away mid-download', async () => {
    const response = await call('GET', '/v1/test/files/big.bin', {
      authorization: `Bearer ${await tokenFor()}`,
    });
    let received = 0;
    for await (const chunk of response) {
      received += (chunk as Buffer).length;
      if (received > 4 * MiB) break; // leaving the loop destroys the response: the client hangs up
    }
    const entry = await waitFor('the service to see the download cut', () => seen.find((s) => s.aborted));
    expect(entry.method).toBe('GET');
  });

  it('answers 503 problem+json naming the service when its internal port is down, and its breaker opens', async () => {
    const token = await tokenFor({ roles: ['viewer'] });
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await call('GET', '/v1/test/recordings/x', { authorization: `Bearer ${token}` });
      const body = await json(response);
      expect({ status: response.statusCode, code: body.code }).toEqual({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
      });
      expect(body.detail).toMatch(/recordings service is unavailable/);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['retry-after']).toBeDefined();
    }
    const health = await fetch(`${bed.internalUrl}/health/services`);
    const services = ((await health.json()) as { services: Record<string, { breaker: string }> }).services;
    expect(services.recordings!.breaker).toBe('open');
    expect(services.storage!.breaker).toBe('closed');
    // Open: refused at once, still naming the service.
    const refused = await call('GET', '/v1/test/recordings/x', { authorization: `Bearer ${token}` });
    expect(refused.statusCode).toBe(503);
    expect((await json(refused)).detail).toMatch(/recordings service is unavailable; retry in/);
  });
});
