import Fastify, { type FastifyInstance } from 'fastify';
import { registerCors, type CorsPolicy } from './cors';

const POLICY: CorsPolicy = {
  origin: ['https://app.example', 'https://admin.example'],
  methods: ['GET', 'PATCH'],
  allowedHeaders: ['authorization', 'upload-offset'],
  exposedHeaders: ['x-request-id', 'ratelimit-remaining'],
  maxAgeSeconds: 600,
};

async function server(policy: CorsPolicy): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerCors(app, policy);
  app.get('/items', () => ({ ok: true }));
  // A stream-like route that answers OPTIONS itself (tus capability discovery).
  app.route({ method: ['PATCH', 'OPTIONS'], url: '/uploads/:id', handler: () => 'route' });
  await app.ready();
  return app;
}

describe('registerCors', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await server(POLICY);
  });
  afterAll(() => app.close());

  it('reflects a listed origin on a simple request, with the exposed headers and Vary: Origin', async () => {
    const response = await app.inject({ url: '/items', headers: { origin: 'https://admin.example' } });

    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://admin.example');
    expect(response.headers['access-control-expose-headers']).toBe('x-request-id, ratelimit-remaining');
    expect(response.headers.vary).toBe('Origin');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('grants no origin to an unlisted or absent Origin (the answer itself is unchanged)', async () => {
    const other = await app.inject({ url: '/items', headers: { origin: 'https://evil.example' } });
    const none = await app.inject({ url: '/items' });

    expect(other.statusCode).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
    expect(none.headers.vary).toBe('Origin');
  });

  it('answers a preflight itself: 204, methods, headers, max-age, empty body — on any path', async () => {
    for (const url of ['/items', '/uploads/42', '/nowhere']) {
      const response = await app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin: 'https://app.example', 'access-control-request-method': 'PATCH' },
      });

      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(response.headers['access-control-allow-methods']).toBe('GET, PATCH');
      expect(response.headers['access-control-allow-headers']).toBe('authorization, upload-offset');
      expect(response.headers['access-control-max-age']).toBe('600');
      expect(response.headers['content-length']).toBe('0');
      expect(response.body).toBe('');
    }
  });

  it('refuses a preflight without an Origin with 400', async () => {
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/items',
      headers: { 'access-control-request-method': 'GET' },
    });

    expect(response.statusCode).toBe(400);
    expect(response.body).toBe('Invalid Preflight Request');
  });

  it('lets an OPTIONS request that is no preflight reach its route, and 404 where there is none', async () => {
    const routed = await app.inject({
      method: 'OPTIONS',
      url: '/uploads/42',
      headers: { origin: 'https://app.example' },
    });
    const unrouted = await app.inject({ method: 'OPTIONS', url: '/items' });

    expect([routed.statusCode, routed.body]).toEqual([200, 'route']);
    expect(routed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(routed.headers['access-control-allow-methods']).toBeUndefined();
    expect(unrouted.statusCode).toBe(404);
  });

  it("with '*': any origin, no Origin needed on simple requests", async () => {
    const open = await server({ ...POLICY, origin: '*' });
    try {
      const response = await open.inject({ url: '/items' });
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-expose-headers']).toBe('x-request-id, ratelimit-remaining');
    } finally {
      await open.close();
    }
  });

  it('with CORS off: only Vary: Origin, and a preflight is not answered (404)', async () => {
    const closed = await server({ ...POLICY, origin: false });
    try {
      const simple = await closed.inject({ url: '/items', headers: { origin: 'https://app.example' } });
      const preflight = await closed.inject({
        method: 'OPTIONS',
        url: '/items',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
      });

      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
      expect(simple.headers['access-control-expose-headers']).toBeUndefined();
      expect(simple.headers.vary).toBe('Origin');
      expect(preflight.statusCode).toBe(404);
    } finally {
      await closed.close();
    }
  });
});
