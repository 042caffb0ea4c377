import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import Redis from 'ioredis';
import { AUTH_RPC, denylistKeys } from '@platform/contracts';
import { DomainError } from '@platform/errors';
import { waitFor } from '@platform/testing';
import { defineWebSocketRoute } from '../src/routes/kinds/websocket-route';
import { BackendGuard } from '../src/resilience/backend-guard.service';
import { WebSocketEdge } from '../src/websocket/websocket-edge';
import { GatewayTestBed, request } from './support/gateway-test-bed';
import { claims, createSigningKey, signAccessToken, type SigningKey } from './support/token-mint';
import { WebSocketUpstream, nextMessage, openSocket, type SocketOutcome } from './support/websocket-upstream';

const SECRET = randomBytes(32).toString('base64url');
/** The one API key the auth stand-in knows (`pk_live_good`). */
const KEY_ID = randomUUID();
const KEY_ORGANIZATION = randomUUID();
const HIGH_WATER = 256 * 1024;
const LEASE_SECONDS = 3;

/** Test routes: nothing in the real table is a WebSocket yet (no service serves one). */
const ROUTES = [
  defineWebSocketRoute({
    id: 'test.callStream',
    path: '/v1/test/calls/:callId/stream',
    service: 'voice',
    auth: 'authenticated',
    rateLimit: 'read',
    maxConnectionsPerOrganization: 50,
    idleTimeoutSeconds: 120,
    maxMessageBytes: 64 * 1024,
    tag: 'Test',
    summary: 'Echo',
  }),
  defineWebSocketRoute({
    id: 'test.limited',
    path: '/v1/test/limited',
    service: 'voice',
    auth: 'authenticated',
    rateLimit: 'read',
    maxConnectionsPerOrganization: 2,
    idleTimeoutSeconds: 120,
    maxMessageBytes: 64 * 1024,
    tag: 'Test',
    summary: 'Two per organization',
  }),
  defineWebSocketRoute({
    id: 'test.idle',
    path: '/v1/test/idle',
    service: 'voice',
    auth: 'authenticated',
    rateLimit: 'read',
    maxConnectionsPerOrganization: 50,
    idleTimeoutSeconds: 1,
    maxMessageBytes: 64 * 1024,
    tag: 'Test',
    summary: 'Closes after 1 s without frames',
  }),
  defineWebSocketRoute({
    id: 'test.flood',
    path: '/v1/test/flood',
    service: 'voice',
    auth: 'authenticated',
    rateLimit: 'read',
    maxConnectionsPerOrganization: 50,
    idleTimeoutSeconds: 120,
    maxMessageBytes: 64 * 1024,
    tag: 'Test',
    summary: 'The service floods; the client reads slowly',
  }),
  defineWebSocketRoute({
    id: 'test.keys',
    path: '/v1/test/keys-stream',
    service: 'voice',
    auth: 'authenticated',
    credentials: ['user', 'api-key'],
    rateLimit: 'read',
    maxConnectionsPerOrganization: 50,
    idleTimeoutSeconds: 120,
    maxMessageBytes: 64 * 1024,
    tag: 'Test',
    summary: 'Open to API keys too',
  }),
  defineWebSocketRoute({
    id: 'test.codes',
    path: '/v1/test/codes-stream',
    service: 'voice',
    auth: 'authenticated',
    credentials: ['organization-code'],
    rateLimit: 'read',
    maxConnectionsPerOrganization: 50,
    idleTimeoutSeconds: 120,
    maxMessageBytes: 64 * 1024,
    tag: 'Test',
    summary: 'Open to organization codes',
  }),
  defineWebSocketRoute({
    id: 'test.refused',
    path: '/v1/test/refuse',
    service: 'voice',
    auth: 'authenticated',
    rateLimit: 'read',
    maxConnectionsPerOrganization: 50,
    idleTimeoutSeconds: 120,
    maxMessageBytes: 64 * 1024,
    tag: 'Test',
    summary: 'The service has no handler',
  }),
  defineWebSocketRoute({
    id: 'test.down',
    path: '/v1/test/down',
    service: 'recordings',
    auth: 'authenticated',
    rateLimit: 'read',
    maxConnectionsPerOrganization: 50,
    idleTimeoutSeconds: 120,
    maxMessageBytes: 64 * 1024,
    tag: 'Test',
    summary: 'The service resets every connection',
  }),
];

/** An API key that auth says expires a few seconds after the suite starts (`expiresAtMs` set in beforeAll). */
const EXPIRING_KEY = {
  key: 'pk_live_expiring',
  id: randomUUID(),
  organizationId: randomUUID(),
  expiresAtMs: 0,
};
const apiKeyPrincipal = {
  kind: 'api-key' as const,
  userId: null,
  roles: ['developer'],
  scopes: [],
  plan: 'FREE' as const,
};

describe('websocket routes (gateway on real Redis and RabbitMQ, service socket played by a ws server)', () => {
  const bed = new GatewayTestBed(
    [AUTH_RPC.getJwks, AUTH_RPC.verifyApiKey, AUTH_RPC.resolveOrganizationCode],
    {
      extraRoutes: ROUTES,
    },
  );
  const upstream = new WebSocketUpstream(SECRET, 'voice');
  /** "recordings": a port that accepts TCP and resets every connection (a service crashing on accept). */
  let resetting: TcpServer;
  let resetDials = 0;
  let key: SigningKey;
  let raw: Redis;
  const wsUrl = (path: string) => `${bed.url.replace(/^http/, 'ws')}${path}`;
  const tokenFor = (organizationId: string) => signAccessToken(key, claims({ org: organizationId }));
  const opened = (outcome: SocketOutcome) => {
    if (!outcome.opened) throw new Error(`refused: ${outcome.status} ${JSON.stringify(outcome.body)}`);
    return outcome;
  };
  const refused = (outcome: SocketOutcome) => {
    if (outcome.opened) throw new Error('the upgrade was accepted');
    return outcome;
  };
  const upstreamFor = (callId: string) =>
    waitFor(`the service side of ${callId}`, () => upstream.connections.find((c) => c.path.includes(callId)));

  beforeAll(async () => {
    key = await createSigningKey();
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [key.publicJwk] }));
    bed.handlers.set(AUTH_RPC.verifyApiKey, async ({ data }) => {
      const presented = (data as { key: string }).key;
      if (presented === EXPIRING_KEY.key) {
        return {
          principal: {
            ...apiKeyPrincipal,
            organizationId: EXPIRING_KEY.organizationId,
            apiKeyId: EXPIRING_KEY.id,
          },
          expiresAt: new Date(EXPIRING_KEY.expiresAtMs).toISOString(),
        };
      }
      if (presented !== 'pk_live_good') throw new DomainError('UNAUTHENTICATED', 'bad key');
      return {
        principal: {
          kind: 'api-key',
          userId: null,
          organizationId: KEY_ORGANIZATION,
          roles: ['developer'],
          scopes: [],
          apiKeyId: KEY_ID,
          plan: 'FREE',
        },
      };
    });
    bed.handlers.set(AUTH_RPC.resolveOrganizationCode, async () => ({
      principal: {
        kind: 'organization-code',
        userId: null,
        attributedUserId: null,
        organizationId: randomUUID(),
        roles: ['viewer'],
        scopes: [],
        apiKeyId: null,
        plan: 'FREE',
      },
    }));
    await upstream.start();
    resetting = createServer((connection) => {
      resetDials += 1;
      connection.resetAndDestroy();
    });
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    await bed.start({
      EDGE_PRINCIPAL_SECRET: SECRET,
      VOICE_INTERNAL_URL: upstream.url,
      RECORDINGS_INTERNAL_URL: `http://127.0.0.1:${(resetting.address() as AddressInfo).port}`,
      GATEWAY_BREAKER_CONSECUTIVE_FAILURES: '3',
      GATEWAY_BREAKER_COOLDOWN_SECONDS: '30',
      WS_BACKPRESSURE_HIGH_WATER_BYTES: String(HIGH_WATER),
      WS_CONNECTION_LEASE_SECONDS: String(LEASE_SECONDS),
      RATE_LIMIT_REDIS_TIMEOUT_MS: '5000',
    });
    raw = new Redis(bed.redis.url);
  }, 60_000);
  afterAll(async () => {
    raw?.disconnect();
    await bed.stop();
    await upstream.stop();
    await new Promise((resolve) => resetting?.close(resolve));
  }, 30_000);

  describe('authentication before the upgrade', () => {
    it('refuses an upgrade without a credential with 401 problem+json (no socket is opened upstream)', async () => {
      const before = upstream.connections.length;
      const outcome = refused(await openSocket(wsUrl(`/v1/test/calls/${randomUUID()}/stream`)));

      expect(outcome.status).toBe(401);
      expect(outcome.contentType).toBe('application/problem+json');
      expect(outcome.body.code).toBe('UNAUTHENTICATED');
      expect(upstream.connections.length).toBe(before);
    });

    it('refuses a bad token in the subprotocol with 401', async () => {
      const forged = await signAccessToken(await createSigningKey('rogue'), claims());
      const outcome = refused(
        await openSocket(wsUrl(`/v1/test/calls/${randomUUID()}/stream`), { protocols: ['bearer', forged] }),
      );

      expect(outcome.status).toBe(401);
      expect(outcome.body.code).toBe('UNAUTHENTICATED');
    });

    it('refuses an API key and an organization code on a route for user tokens with 403', async () => {
      const path = wsUrl(`/v1/test/calls/${randomUUID()}/stream`);
      const byKey = refused(await openSocket(path, { headers: { 'x-api-key': 'pk_live_good' } }));
      const byCode = refused(await openSocket(path, { headers: { 'x-organization-code': 'ORGCODE123' } }));

      expect([byKey.status, byKey.body.code]).toEqual([403, 'FORBIDDEN']);
      expect([byCode.status, byCode.body.code]).toEqual([403, 'FORBIDDEN']);
    });

    it('refuses two credentials at once (a token in the subprotocol and an Authorization header)', async () => {
      const token = await tokenFor(randomUUID());
      const outcome = refused(
        await openSocket(wsUrl(`/v1/test/calls/${randomUUID()}/stream`), {
          protocols: ['bearer', token],
          headers: { authorization: `Bearer ${token}` },
        }),
      );

      expect([outcome.status, outcome.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    });

    it('refuses an upgrade that is no WebSocket handshake with 400 before anything is opened', async () => {
      const before = upstream.connections.length;
      const token = await tokenFor(randomUUID());
      const answer = await new Promise<{ status: number; body: { code?: string } }>((resolve, reject) => {
        const req = httpRequest(`${bed.url}/v1/test/calls/${randomUUID()}/stream`, {
          headers: { connection: 'Upgrade', upgrade: 'h2c', authorization: `Bearer ${token}` },
        });
        req.on('response', (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
          );
        });
        req.on('error', reject);
        req.end();
      });

      expect([answer.status, answer.body.code]).toEqual([400, 'BAD_REQUEST']);
      expect(upstream.connections.length).toBe(before);
    });

    it('answers 404 problem+json for a path that is no WebSocket route', async () => {
      const outcome = refused(
        await openSocket(wsUrl('/v1/test/nothing-here'), {
          protocols: ['bearer', await tokenFor(randomUUID())],
        }),
      );

      expect([outcome.status, outcome.body.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
    });

    it('answers 503 naming the service when the service refuses the socket (no handler there)', async () => {
      const outcome = refused(
        await openSocket(wsUrl('/v1/test/refuse'), { protocols: ['bearer', await tokenFor(randomUUID())] }),
      );

      expect(outcome.status).toBe(503);
      expect(outcome.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(outcome.body.detail).toContain('voice service');
    });
  });

  describe("the service's circuit breaker", () => {
    const breakerOf = (service: string) => bed.gateway.app.get(BackendGuard).stateOf(service).breaker;

    it('counts handshakes that cannot reach the service: after 3 the breaker is open and the 4th is refused without dialling', async () => {
      const upgrade = async () =>
        refused(
          await openSocket(wsUrl('/v1/test/down'), { protocols: ['bearer', await tokenFor(randomUUID())] }),
        );

      for (let i = 1; i <= 3; i++) {
        const outcome = await upgrade();
        expect([outcome.status, outcome.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
        expect(outcome.body.detail).toContain('recordings service is unavailable');
        expect(resetDials).toBe(i);
      }
      expect(breakerOf('recordings')).toBe('open');

      const fourth = await upgrade();
      expect([fourth.status, fourth.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect(fourth.body.detail).toBe('The recordings service is unavailable; retry in 30 s');
      expect(resetDials).toBe(3);
    });

    it('does not count a service that answers the handshake with an HTTP status (it is up), nor other services', async () => {
      for (let i = 0; i < 4; i++) {
        const outcome = refused(
          await openSocket(wsUrl('/v1/test/refuse'), { protocols: ['bearer', await tokenFor(randomUUID())] }),
        );
        expect(outcome.status).toBe(503);
      }
      expect(breakerOf('voice')).toBe('closed');
      const callId = randomUUID();
      const socket = opened(
        await openSocket(wsUrl(`/v1/test/calls/${callId}/stream`), {
          protocols: ['bearer', await tokenFor(randomUUID())],
        }),
      );
      socket.socket.close(1000);
      await socket.closed;
    });
  });

  describe('the token as a subprotocol', () => {
    it('opens, echoes both ways, answers only the non-secret subprotocol, and the service sees only the caller', async () => {
      const organizationId = randomUUID();
      const payload = claims({ org: organizationId, roles: ['developer'] });
      const token = await signAccessToken(key, payload);
      const callId = randomUUID();
      const socket = opened(
        await openSocket(wsUrl(`/v1/test/calls/${callId}/stream?lang=es`), { protocols: ['bearer', token] }),
      );
      const service = await upstreamFor(callId);

      expect(socket.protocol).toBe('bearer');
      const text = nextMessage(socket.socket);
      socket.socket.send('hola');
      expect(await text).toEqual({ data: Buffer.from('hola'), isBinary: false });
      const binary = nextMessage(socket.socket);
      socket.socket.send(Buffer.from([1, 2, 3]));
      expect(await binary).toEqual({ data: Buffer.from([1, 2, 3]), isBinary: true });

      expect(service.path).toBe(`/v1/test/calls/${callId}/stream`);
      // Verified by the service side for audience `voice`, GET and this path (else no socket at all).
      expect(service.principal).toMatchObject({ kind: 'user', organizationId, userId: payload.sub });
      expect(service.requestId).toMatch(/^[0-9a-f-]{36}$/);
      // The token reaches the service in no form: no Authorization, no subprotocol.
      expect(service.headers.authorization).toBeUndefined();
      expect(String(service.headers['sec-websocket-protocol'] ?? '')).not.toContain(token);
      socket.socket.close(1000);
      await socket.closed;
    });

    it('passes the application subprotocol the service chose', async () => {
      const callId = randomUUID();
      const socket = opened(
        await openSocket(wsUrl(`/v1/test/calls/${callId}/stream`), {
          protocols: ['voice.v1', 'bearer', await tokenFor(randomUUID())],
        }),
      );

      expect(socket.protocol).toBe('voice.v1');
      expect((await upstreamFor(callId)).headers['sec-websocket-protocol']).toBe('voice.v1');
      socket.socket.close();
      await socket.closed;
    });

    it('accepts the usual Authorization header from non-browser clients', async () => {
      const socket = opened(
        await openSocket(wsUrl(`/v1/test/calls/${randomUUID()}/stream`), {
          headers: { authorization: `Bearer ${await tokenFor(randomUUID())}` },
        }),
      );

      expect(socket.protocol).toBe('');
      socket.socket.close();
      await socket.closed;
    });
  });

  describe('tickets', () => {
    const issue = async (token: string, path: string) =>
      request<{ ticket: string; expiresInSeconds: number; code?: string }>(`${bed.url}/v1/ws-tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        json: { path },
      });

    it('opens once with a ticket bound to the caller and the path; the second use is refused', async () => {
      const organizationId = randomUUID();
      const callId = randomUUID();
      const path = `/v1/test/calls/${callId}/stream`;
      const issued = await issue(await tokenFor(organizationId), path);

      expect(issued.status).toBe(201);
      expect(issued.body.expiresInSeconds).toBe(30);
      const socket = opened(await openSocket(wsUrl(`${path}?ticket=${issued.body.ticket}&x=1`)));
      const service = await upstreamFor(callId);
      expect(service.principal.organizationId).toBe(organizationId);
      // The spent ticket is not passed on; the rest of the query is.
      expect(service.url).toBe(`${path}?x=1`);
      socket.socket.close();
      await socket.closed;

      const again = refused(await openSocket(wsUrl(`${path}?ticket=${issued.body.ticket}`)));
      expect([again.status, again.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    });

    it('refuses a ticket on another path, and an expired ticket', async () => {
      const token = await tokenFor(randomUUID());
      const forOther = await issue(token, `/v1/test/calls/${randomUUID()}/stream`);
      const elsewhere = refused(
        await openSocket(wsUrl(`/v1/test/calls/${randomUUID()}/stream?ticket=${forOther.body.ticket}`)),
      );
      expect([elsewhere.status, elsewhere.body.code]).toEqual([401, 'UNAUTHENTICATED']);

      const path = `/v1/test/calls/${randomUUID()}/stream`;
      const expiring = await issue(token, path);
      const stored = `${bed.redis.keyPrefix}ws-ticket:${createHash('sha256').update(expiring.body.ticket).digest('base64url')}`;
      // Redis expires it (as it would after WS_TICKET_TTL_SECONDS): the upgrade finds nothing.
      expect(await raw.pexpire(stored, 1)).toBe(1);
      await waitFor('the ticket to expire', async () => (await raw.exists(stored)) === 0);
      const late = refused(await openSocket(wsUrl(`${path}?ticket=${expiring.body.ticket}`)));
      expect([late.status, late.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    });

    it('refuses a ticket whose session was revoked after it was issued', async () => {
      const payload = claims({ org: randomUUID() });
      const path = `/v1/test/calls/${randomUUID()}/stream`;
      const issued = await issue(await signAccessToken(key, payload), path);
      expect(issued.status).toBe(201);
      try {
        await raw.set(denylistKeys.session(payload.sid), '1', 'EX', 60);
        const outcome = refused(await openSocket(wsUrl(`${path}?ticket=${issued.body.ticket}`)));

        expect([outcome.status, outcome.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      } finally {
        await raw.del(denylistKeys.session(payload.sid));
      }
    });

    it('issues no ticket to a credential the route refuses, nor for a path that is no WebSocket', async () => {
      const byKey = await request<{ code: string }>(`${bed.url}/v1/ws-tickets`, {
        method: 'POST',
        headers: { 'x-api-key': 'pk_live_good' },
        json: { path: `/v1/test/calls/${randomUUID()}/stream` },
      });
      const nowhere = await issue(await tokenFor(randomUUID()), '/v1/auth/profile');
      const anonymous = await request<{ code: string }>(`${bed.url}/v1/ws-tickets`, {
        method: 'POST',
        json: { path: '/v1/test/limited' },
      });

      expect([byKey.status, byKey.body.code]).toEqual([403, 'FORBIDDEN']);
      expect([nowhere.status, nowhere.body.code]).toEqual([404, 'NOT_FOUND']);
      expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    });
  });

  describe('limits', () => {
    it('refuses the organization’s third socket on a route with 429, not another organization’s; a close frees a place', async () => {
      const orgA = await tokenFor(randomUUID());
      const orgB = await tokenFor(randomUUID());
      const url = wsUrl('/v1/test/limited');
      const first = opened(await openSocket(url, { protocols: ['bearer', orgA] }));
      const second = opened(await openSocket(url, { protocols: ['bearer', orgA] }));
      const third = refused(await openSocket(url, { protocols: ['bearer', orgA] }));

      expect(third.status).toBe(429);
      expect(third.body.code).toBe('RATE_LIMITED');
      expect(third.body.detail).toContain('at most 2');
      const other = opened(await openSocket(url, { protocols: ['bearer', orgB] }));

      first.socket.close();
      await first.closed;
      const again = await waitFor('a place after the close', async () => {
        const outcome = await openSocket(url, { protocols: ['bearer', orgA] });
        return outcome.opened ? outcome : undefined;
      });
      for (const socket of [second, other, again]) socket.socket.close();
      await Promise.all([second.closed, other.closed, again.closed]);
    });

    it('forgets the sockets of a gateway that died once their lease lapses, and keeps renewing live ones', async () => {
      const organizationId = randomUUID();
      const token = await tokenFor(organizationId);
      const leaseKey = `${bed.redis.keyPrefix}ws:conn:{org:${organizationId}}:test.limited`;
      const live = opened(await openSocket(wsUrl('/v1/test/limited'), { protocols: ['bearer', token] }));
      const [liveId, firstScore] = (await raw.zrange(leaseKey, 0, -1, 'WITHSCORES')) as [string, string];
      // A pod that died holding a socket: its lease is in the set and nobody renews it.
      const [seconds] = await raw.time();
      await raw.zadd(leaseKey, Number(seconds) * 1000 + LEASE_SECONDS * 1000, 'dead-pod-socket');

      const full = refused(await openSocket(wsUrl('/v1/test/limited'), { protocols: ['bearer', token] }));
      expect(full.status).toBe(429);
      const admitted = await waitFor(
        'the dead lease to lapse',
        async () => {
          const outcome = await openSocket(wsUrl('/v1/test/limited'), { protocols: ['bearer', token] });
          return outcome.opened ? outcome : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 250 },
      );
      // The live socket's lease was renewed meanwhile (it still counts).
      expect(Number(await raw.zscore(leaseKey, liveId))).toBeGreaterThan(Number(firstScore));
      expect(await raw.zscore(leaseKey, 'dead-pod-socket')).toBeNull();
      live.socket.close();
      admitted.socket.close();
      await Promise.all([live.closed, admitted.closed]);
      await waitFor('both leases released', async () => (await raw.zcard(leaseKey)) === 0);
    });

    it('closes both sides after the idle timeout: 4408 to the client, 1001 to the service', async () => {
      const socket = opened(
        await openSocket(wsUrl('/v1/test/idle?call=idle-1'), {
          protocols: ['bearer', await tokenFor(randomUUID())],
        }),
      );
      const service = await waitFor('the service side', () =>
        upstream.connections.find((c) => c.path === '/v1/test/idle'),
      );

      expect(await socket.closed).toEqual({ code: 4408, reason: 'idle timeout' });
      expect(await service.closed).toEqual({ code: 1001, reason: 'idle timeout' });
    });

    it('closes a client that sends a message over the route’s size with 1009', async () => {
      const callId = randomUUID();
      const socket = opened(
        await openSocket(wsUrl(`/v1/test/calls/${callId}/stream`), {
          protocols: ['bearer', await tokenFor(randomUUID())],
        }),
      );
      const service = await upstreamFor(callId);
      socket.socket.send(Buffer.alloc(64 * 1024 + 1));

      expect((await socket.closed).code).toBe(1009);
      expect(await service.closed).toEqual({ code: 1009, reason: 'client message too big' });
    });
  });

  describe('a credential that expires while its socket is open', () => {
    it('closes the socket at the access token’s expiry, however it was presented: 4401 to the client, 1001 to the service', async () => {
      const expiresAt = Math.floor(Date.now() / 1000) + 2;
      const token = await signAccessToken(key, claims({ org: randomUUID(), exp: expiresAt }));
      const ticket = await request<{ ticket: string }>(`${bed.url}/v1/ws-tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        json: { path: '/v1/test/calls/expiring-ticket/stream' },
      });
      expect(ticket.status).toBe(201);
      const sockets = await Promise.all([
        openSocket(wsUrl('/v1/test/calls/expiring-subprotocol/stream'), { protocols: ['bearer', token] }),
        openSocket(wsUrl('/v1/test/calls/expiring-header/stream'), {
          headers: { authorization: `Bearer ${token}` },
        }),
        openSocket(wsUrl(`/v1/test/calls/expiring-ticket/stream?ticket=${ticket.body.ticket}`)),
      ]).then((outcomes) => outcomes.map(opened));
      const services = await Promise.all(
        ['expiring-subprotocol', 'expiring-header', 'expiring-ticket'].map(upstreamFor),
      );

      for (const [i, socket] of sockets.entries()) {
        expect(await socket.closed).toEqual({ code: 4401, reason: 'credential expired' });
        expect(Date.now()).toBeGreaterThanOrEqual(expiresAt * 1000);
        expect(await services[i]!.closed).toEqual({ code: 1001, reason: 'credential expired' });
      }
    });

    it('closes an API key’s sockets at the key’s expiresAt (headers and ticket alike): 4401 to the client, 1001 to the service', async () => {
      EXPIRING_KEY.expiresAtMs = Date.now() + 2500;
      const headers = { 'x-api-key': EXPIRING_KEY.key };
      const ticket = await request<{ ticket: string }>(`${bed.url}/v1/ws-tickets`, {
        method: 'POST',
        headers,
        json: { path: '/v1/test/keys-stream' },
      });
      expect(ticket.status).toBe(201);
      const sockets = await Promise.all([
        openSocket(wsUrl('/v1/test/keys-stream?who=expiring-key-header'), { headers }),
        openSocket(wsUrl(`/v1/test/keys-stream?who=expiring-key-ticket&ticket=${ticket.body.ticket}`)),
      ]).then((outcomes) => outcomes.map(opened));
      const services = await Promise.all(
        ['expiring-key-header', 'expiring-key-ticket'].map((who) =>
          waitFor(`the service side of ${who}`, () => upstream.connections.find((c) => c.url.includes(who))),
        ),
      );

      for (const [i, socket] of sockets.entries()) {
        expect(await socket.closed).toEqual({ code: 4401, reason: 'credential expired' });
        expect(Date.now()).toBeGreaterThanOrEqual(EXPIRING_KEY.expiresAtMs);
        expect(await services[i]!.closed).toEqual({ code: 1001, reason: 'credential expired' });
      }
    });
  });

  describe('a credential revoked while its socket is open', () => {
    it('closes the sockets of a revoked session within a heartbeat: 4401 to the client, 1001 to the service', async () => {
      const payload = claims({ org: randomUUID() });
      const socket = opened(
        await openSocket(wsUrl('/v1/test/calls/revoked-session/stream'), {
          protocols: ['bearer', await signAccessToken(key, payload)],
        }),
      );
      const service = await upstreamFor('revoked-session');
      try {
        // What auth writes on logout-all, a password reset or a removed membership.
        await raw.set(denylistKeys.session(payload.sid), '1', 'EX', 60);

        expect(await socket.closed).toEqual({ code: 4401, reason: 'credential revoked' });
        expect(await service.closed).toEqual({ code: 1001, reason: 'credential revoked' });
      } finally {
        await raw.del(denylistKeys.session(payload.sid));
      }
    });

    it('closes the sockets of a replaced organization code (headers and ticket alike), and only that code’s', async () => {
      // Codes of this run only: auth's markers are global keys, shared with any other run.
      const oldCode = randomBytes(8).toString('hex').toUpperCase().slice(0, 10);
      const replaced = { 'x-organization-code': oldCode };
      const kept = { 'x-organization-code': randomBytes(8).toString('hex').toUpperCase().slice(0, 10) };
      const ticket = await request<{ ticket: string }>(`${bed.url}/v1/ws-tickets`, {
        method: 'POST',
        headers: replaced,
        json: { path: '/v1/test/codes-stream' },
      });
      expect(ticket.status).toBe(201);
      const [byHeader, byTicket, byOtherCode] = await Promise.all([
        openSocket(wsUrl('/v1/test/codes-stream?who=code-header'), { headers: replaced }),
        openSocket(wsUrl(`/v1/test/codes-stream?who=code-ticket&ticket=${ticket.body.ticket}`)),
        openSocket(wsUrl('/v1/test/codes-stream?who=other-code'), { headers: kept }),
      ]).then((outcomes) => outcomes.map(opened));
      for (const who of ['code-header', 'code-ticket', 'other-code'])
        await waitFor(`the service side of ${who}`, () =>
          upstream.connections.find((c) => c.url.includes(who)),
        );
      // What auth writes when an owner replaces the code: its fingerprint (SHA-256 of the code), marked.
      const marker = denylistKeys.organizationCode(createHash('sha256').update(oldCode).digest('hex'));
      await raw.set(marker, '1', 'EX', 60);
      try {
        expect(await byHeader!.closed).toEqual({ code: 4401, reason: 'credential revoked' });
        expect(await byTicket!.closed).toEqual({ code: 4401, reason: 'credential revoked' });
        const echo = nextMessage(byOtherCode!.socket);
        byOtherCode!.socket.send('still here');
        expect((await echo).data.toString()).toBe('still here');
        byOtherCode!.socket.close();
        await byOtherCode!.closed;
      } finally {
        await raw.del(marker);
      }
    });

    it('closes an API key’s sockets on auth.api-key.revoked, and only that key’s', async () => {
      const byKey = opened(
        await openSocket(wsUrl('/v1/test/keys-stream?who=key'), { headers: { 'x-api-key': 'pk_live_good' } }),
      );
      const byUser = opened(
        await openSocket(wsUrl('/v1/test/keys-stream?who=user'), {
          protocols: ['bearer', await tokenFor(KEY_ORGANIZATION)],
        }),
      );
      const keyService = await waitFor('the key’s service side', () =>
        upstream.connections.find((c) => c.url === '/v1/test/keys-stream?who=key'),
      );
      expect(keyService.principal).toMatchObject({ kind: 'api-key', organizationId: KEY_ORGANIZATION });

      await bed.publisher.publish('auth.api-key.revoked', {
        organizationId: KEY_ORGANIZATION,
        apiKeyId: KEY_ID,
        reason: 'revoked',
      });

      expect(await byKey.closed).toEqual({ code: 4401, reason: 'credential revoked' });
      const echo = nextMessage(byUser.socket);
      byUser.socket.send('still here');
      expect((await echo).data.toString()).toBe('still here');
      byUser.socket.close();
      await byUser.closed;
    });
  });

  describe('closing propagates', () => {
    const connect = async () => {
      const callId = randomUUID();
      const socket = opened(
        await openSocket(wsUrl(`/v1/test/calls/${callId}/stream`), {
          protocols: ['bearer', await tokenFor(randomUUID())],
        }),
      );
      return { socket, service: await upstreamFor(callId) };
    };

    it('client close code and reason reach the service', async () => {
      const { socket, service } = await connect();
      socket.socket.close(4001, 'bye');

      expect(await service.closed).toEqual({ code: 4001, reason: 'bye' });
      expect(await socket.closed).toEqual({ code: 4001, reason: 'bye' });
    });

    it('a client that vanishes (TCP reset) is 1001 "client gone" to the service', async () => {
      const { socket, service } = await connect();
      socket.socket.terminate();

      expect(await service.closed).toEqual({ code: 1001, reason: 'client gone' });
    });

    it('the service’s close code and reason reach the client', async () => {
      const { socket, service } = await connect();
      service.socket.close(4002, 'call ended');

      expect(await socket.closed).toEqual({ code: 4002, reason: 'call ended' });
    });

    it('a service that vanishes is 1014 to the client', async () => {
      const { socket, service } = await connect();
      service.socket.terminate();

      expect(await socket.closed).toEqual({ code: 1014, reason: 'service connection lost' });
    });
  });

  it('reports open sockets per route and upgrade outcomes on the internal /metrics', async () => {
    const token = await tokenFor(randomUUID());
    refused(await openSocket(wsUrl('/v1/test/idle?metrics=1')));
    const socket = opened(
      await openSocket(wsUrl('/v1/test/limited?metrics=1'), { protocols: ['bearer', token] }),
    );
    const metrics = await (await fetch(`${bed.internalUrl}/metrics`)).text();
    /** The value of the series `name` carrying these labels (others, like `service`, may be added). */
    const value = (name: string, labels: Record<string, string>) => {
      const line = metrics
        .split('\n')
        .find(
          (candidate) =>
            candidate.startsWith(`${name}{`) &&
            Object.entries(labels).every(([label, text]) => candidate.includes(`${label}="${text}"`)),
        );
      return line ? Number(line.split(' ').pop()) : Number.NaN;
    };

    expect(value('gateway_websocket_connections', { route: 'test.limited' })).toBe(1);
    expect(
      value('gateway_websocket_upgrades_total', { route: 'test.limited', outcome: 'opened' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value('gateway_websocket_upgrades_total', { route: 'test.idle', outcome: 'unauthenticated' }),
    ).toBeGreaterThanOrEqual(1);
    socket.socket.close();
    await socket.closed;
  });

  it('a ticket raced by two upgrades opens one socket only', async () => {
    const path = `/v1/test/calls/${randomUUID()}/stream`;
    const issued = await request<{ ticket: string }>(`${bed.url}/v1/ws-tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenFor(randomUUID())}` },
      json: { path },
    });
    const outcomes = await Promise.all(
      [1, 2].map(() => openSocket(wsUrl(`${path}?ticket=${issued.body.ticket}`))),
    );

    expect(outcomes.map((outcome) => (outcome.opened ? 101 : outcome.status)).sort()).toEqual([101, 401]);
    for (const outcome of outcomes) {
      if (outcome.opened) {
        outcome.socket.close();
        await outcome.closed;
      }
    }
  });

  it('a gateway shutting down closes both sides with 1001 and hands its leases back', async () => {
    const organizationId = randomUUID();
    const replica = await bed.startReplica();
    const socket = opened(
      await openSocket(`${replica.url.replace(/^http/, 'ws')}/v1/test/limited?call=shutdown`, {
        protocols: ['bearer', await tokenFor(organizationId)],
      }),
    );
    const service = await waitFor('the service side', () =>
      upstream.connections.find((c) => c.url === '/v1/test/limited?call=shutdown'),
    );
    const leaseKey = `${bed.redis.keyPrefix}ws:conn:{org:${organizationId}}:test.limited`;
    expect(await raw.zcard(leaseKey)).toBe(1);

    await bed.stopReplica(replica);

    expect(await socket.closed).toEqual({ code: 1001, reason: 'gateway shutting down' });
    expect(await service.closed).toEqual({ code: 1001, reason: 'gateway shutting down' });
    expect(await raw.zcard(leaseKey)).toBe(0);
  });

  it('backpressure: a client that does not read holds the service back; the gateway buffers a bounded amount', async () => {
    const socket = opened(
      await openSocket(wsUrl('/v1/test/flood'), { protocols: ['bearer', await tokenFor(randomUUID())] }),
    );
    socket.socket.pause();
    const service = await waitFor('the service side', () =>
      upstream.connections.find((c) => c.path === '/v1/test/flood'),
    );
    const edge = bed.gateway.app.get(WebSocketEdge);
    // The queue towards the client reached the high-water mark: the gateway stops reading the service.
    await waitFor('the gateway to stop reading the service', () => edge.stats().backpressured === 1, {
      timeoutMs: 30_000,
    });
    const held = edge.stats();
    expect(held.bufferedBytes).toBeGreaterThanOrEqual(HIGH_WATER);
    expect(held.bufferedBytes).toBeLessThanOrEqual(HIGH_WATER + 256 * 1024);
    expect(held.peakBufferedBytes).toBeLessThanOrEqual(HIGH_WATER + 256 * 1024);
    // What the gateway does not take stays with the sender: most of the 40 MB is still the service's.
    expect(service.socket.bufferedAmount).toBeGreaterThan(16 * 1024 * 1024);

    let received = 0;
    socket.socket.on('message', (data: Buffer) => {
      received += data.length;
    });
    socket.socket.resume();
    await waitFor('every byte to arrive', () => received === upstream.floodBytes, { timeoutMs: 60_000 });
    expect(edge.stats().peakBufferedBytes).toBeLessThanOrEqual(HIGH_WATER + 256 * 1024);
    socket.socket.close();
    await socket.closed;
  }, 120_000);
});
