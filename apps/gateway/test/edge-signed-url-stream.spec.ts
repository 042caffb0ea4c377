import http, { type IncomingHttpHeaders } from 'node:http';
import { AUTH_RPC } from '@platform/contracts';
import { GatewayTestBed } from './support/gateway-test-bed';
import { claims, createSigningKey, signAccessToken, type SigningKey } from './support/token-mint';
import { startUpstreamServer, type UpstreamServer } from './support/upstream-server';

const OBJECT = '3c9d7e10-2b4f-4a8e-9d61-7f0a1b2c3d4e';
const BYTES = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');

/**
 * The real table's signed-url stream route (`GET|HEAD /v1/downloads/:id`, storage's signed links)
 * against a stand-in of storage's internal port that records what reaches it: public at the
 * gateway, forwarded with no principal and without any credential or identity header a client
 * sends, Range relayed both ways, and never a body.
 */
describe('gateway signed-url stream route: public, forwarded with no principal', () => {
  const bed = new GatewayTestBed([AUTH_RPC.getJwks]);
  let key: SigningKey;
  let upstream: UpstreamServer;
  const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    key = await createSigningKey();
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    upstream = await startUpstreamServer((request, response) => {
      seen.push({ method: request.method!, url: request.url!, headers: request.headers });
      const range = /^bytes=(\d+)-(\d+)$/.exec(String(request.headers.range ?? ''));
      if (range) {
        const [start, end] = [Number(range[1]), Number(range[2])];
        response.writeHead(206, {
          'content-type': 'audio/wav',
          'content-range': `bytes ${start}-${end}/${BYTES.length}`,
          'accept-ranges': 'bytes',
        });
        return void response.end(BYTES.subarray(start, end + 1));
      }
      response.writeHead(200, { 'content-type': 'audio/wav', 'content-length': BYTES.length });
      response.end(request.method === 'HEAD' ? undefined : BYTES);
    });
    await bed.start({ STORAGE_INTERNAL_URL: upstream.url, RATE_LIMIT_PUBLIC_PER_MINUTE: '1000' });
  }, 60_000);
  afterAll(async () => {
    await bed.stop();
    await upstream.close();
  }, 30_000);
  beforeEach(() => seen.splice(0));

  const link = `/v1/downloads/${OBJECT}?org=5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b&expires=1795953900&signature=c2lnbmF0dXJl`;

  it('reaches the service with no credential at all, path and query unchanged, bytes relayed', async () => {
    const answer = await fetch(`${bed.url}${link}`);
    expect(answer.status).toBe(200);
    expect(Buffer.from(await answer.arrayBuffer()).toString()).toBe('0123456789abcdefghijklmnopqrstuvwxyz');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe(link);
    expect(seen[0]!.headers['x-platform-principal']).toBeUndefined();
  });

  it('strips every credential and identity header a client sends, a valid access token included', async () => {
    const token = await signAccessToken(
      key,
      claims({ org: '5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b', roles: ['owner'] }),
    );
    const answer = await fetch(`${bed.url}${link}`, {
      headers: {
        authorization: `Bearer ${token}`,
        'x-api-key': 'pk_live_forged',
        'x-platform-principal': 'forged.principal.token',
        'x-organization-code': 'ORG-CODE',
        'x-user-id': '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        'x-device-token': 'device',
        cookie: 'session=abc',
        'x-forwarded-for': '203.0.113.9',
      },
    });
    expect(answer.status).toBe(200);
    const forwarded = seen[0]!.headers;
    for (const name of [
      'authorization',
      'x-api-key',
      'x-platform-principal',
      'x-organization-code',
      'x-user-id',
      'x-device-token',
      'cookie',
    ])
      expect({ name, value: forwarded[name] }).toEqual({ name, value: undefined });
    // The gateway's own view of the client, not the client's claim.
    expect(forwarded['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('relays Range and the 206 answer, and HEAD without a body', async () => {
    const part = await fetch(`${bed.url}${link}`, { headers: { range: 'bytes=10-15' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-15/36');
    expect(await part.text()).toBe('abcdef');
    expect(seen[0]!.headers.range).toBe('bytes=10-15');

    const head = await fetch(`${bed.url}${link}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('36');
    expect(seen[1]!.method).toBe('HEAD');
  });

  it('never carries a body or another method to the service', async () => {
    // A GET with a body, as a raw client can send it: refused before anything is forwarded.
    const withBody = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${bed.url}${link}`, {
        method: 'GET',
        headers: { 'content-length': '5' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      request.on('error', reject);
      request.end('bytes');
    });
    expect(withBody).toBe(413);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const answer = await fetch(`${bed.url}${link}`, { method, body: 'bytes' });
      expect({ method, status: answer.status }).toEqual({ method, status: 404 });
    }
    expect(seen).toEqual([]);
  });
});
