import { createHmac, randomUUID } from 'node:crypto';
import { AUTH_RPC, OBJECT_RPC, storageContract } from '@platform/contracts';
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
import { member, tempStorageRoot, wavBytes } from '../apps/storage/test/support/storage-fixtures';

const LINK_SECRET = 'signed-download-links-secret-of-the-e2e-spec';

/**
 * Storage's signed download links through the real gateway's signed-url stream route
 * (`GET|HEAD /v1/downloads/:id`): public at the edge, forwarded with no principal; storage alone
 * admits the request from the link's HMAC (object, organization, expiry) and serves the bytes with
 * Range, from that organization's tenant.
 */
describe('signed download links through the gateway (signed-url stream route)', () => {
  const gateway = new GatewayTestBed([AUTH_RPC.getJwks]);
  let storage: ServiceTestBed<StorageEnv, typeof storageContract>;
  let key: SigningKey;
  let cleanupRoot: () => Promise<void>;
  const orgA = randomUUID();
  const orgB = randomUUID();
  const bytesA = wavBytes(20_000);
  const bytesB = wavBytes(9_000);
  let objectA: string;
  let objectB: string;

  beforeAll(async () => {
    const { root, cleanup } = await tempStorageRoot();
    cleanupRoot = cleanup;
    storage = await ServiceTestBed.start(storageService, {
      contract: storageContract,
      env: {
        EDGE_PRINCIPAL_SECRET: gateway.edgePrincipalSecret,
        STORAGE_LOCAL_ROOT: root,
        STORAGE_DOWNLOAD_URL_SECRET: LINK_SECRET,
        STORAGE_PUBLIC_BASE_URL: 'https://api.example.test',
      },
    });
    key = await createSigningKey();
    gateway.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    await gateway.start({
      STORAGE_INTERNAL_URL: storage.service.url,
      RATE_LIMIT_WRITE_PER_MINUTE: '1000',
      RATE_LIMIT_PUBLIC_PER_MINUTE: '1000',
    });
    objectA = await upload(orgA, bytesA);
    objectB = await upload(orgB, bytesB);
  }, 90_000);
  afterAll(async () => {
    await gateway.stop();
    await storage?.stop();
    await cleanupRoot?.();
  }, 30_000);

  const bearer = async (org: string) =>
    `Bearer ${await signAccessToken(key, claims({ org, roles: ['owner'], plan: 'STARTER' }))}`;

  async function upload(org: string, bytes: Buffer): Promise<string> {
    const answer = await fetch(`${gateway.url}/v1/upload`, {
      method: 'POST',
      headers: { authorization: await bearer(org), 'content-type': 'audio/wav' },
      body: bytes,
    });
    expect(answer.status).toBe(201);
    return ((await answer.json()) as { id: string }).id;
  }

  /** The link storage issues, re-pointed at this gateway (its public base is the configured one). */
  async function linkFor(org: string, id: string): Promise<string> {
    const { url } = await storage.call(OBJECT_RPC.downloadUrl, { id }, member(org));
    const issued = new URL(url);
    expect(issued.origin).toBe('https://api.example.test');
    return `${gateway.url}${issued.pathname}${issued.search}`;
  }

  /** A link as storage would sign it (the format is written out here, not taken from storage's code). */
  function handSigned(org: string, id: string, expires: number): string {
    const signature = createHmac('sha256', LINK_SECRET)
      .update(`download:v2:${org}:${id}:${expires}`)
      .digest('base64url');
    return `${gateway.url}/v1/downloads/${id}?org=${org}&expires=${expires}&signature=${signature}`;
  }

  async function expectProblem(answer: Response, status: number, code: string): Promise<void> {
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await answer.json()).toMatchObject({ status, code });
  }

  it('a valid link downloads the exact bytes with no credential, and HEAD tells the size', async () => {
    const link = await linkFor(orgA, objectA);
    const whole = await fetch(link);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytesA)).toBe(true);

    const head = await fetch(link, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('20000');
  });

  it('serves a Range as 206 with Content-Range, end to end through the gateway', async () => {
    const link = await linkFor(orgA, objectA);
    const part = await fetch(link, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 1000-1999/20000');
    expect(part.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytesA.subarray(1000, 2000))).toBe(true);

    const tail = await fetch(link, { headers: { range: 'bytes=-100' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytesA.subarray(19_900))).toBe(true);

    const beyond = await fetch(link, { headers: { range: 'bytes=20000-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */20000');
  });

  it('an expired genuine link is 410 DOWNLOAD_LINK_EXPIRED; a tampered one is 403 FORBIDDEN', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    await expectProblem(await fetch(handSigned(orgA, objectA, past)), 410, 'DOWNLOAD_LINK_EXPIRED');

    const link = new URL(await linkFor(orgA, objectA));
    const tampered = new URL(link);
    const signature = link.searchParams.get('signature')!;
    tampered.searchParams.set('signature', `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`);
    await expectProblem(await fetch(tampered), 403, 'FORBIDDEN');

    const extended = new URL(link);
    extended.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 86_400));
    await expectProblem(await fetch(extended), 403, 'FORBIDDEN');

    const unsigned = new URL(link);
    unsigned.searchParams.delete('signature');
    await expectProblem(await fetch(unsigned), 403, 'FORBIDDEN');
  });

  it('a link for organization A’s object cannot be bent to fetch organization B’s object', async () => {
    const link = new URL(await linkFor(orgA, objectA));
    const otherObject = new URL(link.toString().replace(objectA, objectB));
    await expectProblem(await fetch(otherObject), 403, 'FORBIDDEN');
    const otherOrg = new URL(link);
    otherOrg.searchParams.set('org', orgB);
    await expectProblem(await fetch(otherOrg), 403, 'FORBIDDEN');
    const both = new URL(otherObject);
    both.searchParams.set('org', orgB);
    await expectProblem(await fetch(both), 403, 'FORBIDDEN');
    // A genuine signature over (org A, B's object id): the lookup runs in A's tenant and finds nothing.
    const future = Math.floor(Date.now() / 1000) + 300;
    await expectProblem(await fetch(handSigned(orgA, objectB, future)), 403, 'FORBIDDEN');
  });

  it('credential headers a client sends grant nothing on the signed-link route', async () => {
    const link = new URL(await linkFor(orgA, objectA));
    const bentToB = link.toString().replace(objectA, objectB);
    const credentials = {
      // B's own owner token, a forged edge principal, an API key and an organization code.
      authorization: await bearer(orgB),
      'x-platform-principal': 'forged.principal.token',
      'x-api-key': 'pk_live_forged',
      'x-organization-code': 'ORG-B',
      'x-user-id': randomUUID(),
    };
    await expectProblem(await fetch(bentToB, { headers: credentials }), 403, 'FORBIDDEN');
    const noSignature = `${gateway.url}/v1/downloads/${objectB}?org=${orgB}`;
    await expectProblem(await fetch(noSignature, { headers: credentials }), 403, 'FORBIDDEN');
    // B's token is valid for its own object on the authenticated route, never on this one.
    const own = await fetch(`${gateway.url}/v1/storage/objects/${objectB}/content`, {
      headers: { authorization: credentials.authorization },
    });
    expect(own.status).toBe(200);
    await own.arrayBuffer();
  });
});
