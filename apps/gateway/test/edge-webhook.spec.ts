import type { IncomingHttpHeaders } from 'node:http';
import Stripe from 'stripe';
import { AUTH_RPC } from '@platform/contracts';
import { defineStreamRoute } from '../src/routes/kinds/stream-route.definition';
import { defineWebhookRoute } from '../src/routes/kinds/webhook-route.definition';
import { GatewayTestBed } from './support/gateway-test-bed';
import { claims, createSigningKey, signAccessToken } from './support/token-mint';
import { closedPortUrl, readBody, startUpstreamServer, type UpstreamServer } from './support/upstream-server';

const WEBHOOK_PATH = '/v1/test/payments/webhooks/stripe';
const BODY_LIMIT = 16 * 1024;
const ENDPOINT_SECRET = 'whsec_test_edge_webhook_secret';
/** Small, so a silent service is noticed quickly; nothing in this file moves many bytes. */
const UPSTREAM_TIMEOUT_MS = 1500;

/**
 * A Stripe event as Stripe sends it, with what a JSON round trip would change: indentation, tabs,
 * spaces before commas, escaped and raw non-ASCII (é, emoji, astral-plane), key order.
 */
const STRIPE_EVENT_BODY =
  '{\n  "id": "evt_edge_1",\t"object": "event" ,\n  "type": "payment_intent.succeeded",\r\n' +
  '  "data": { "object": { "id": "pi_1", "amount":  1000, "description": "Café ☕ — naïve 𝄞",' +
  ' "escaped": "caf\\u00e9 \\ud83d\\ude00", "zero": 0.0, "big": 1e2 } },\n  "livemode": false }\n';

interface Received {
  body: Buffer;
  headers: IncomingHttpHeaders;
  url: string;
}

describe('gateway webhook route: a Stripe-signed body reaches the owning service byte-exact', () => {
  const stripe = new Stripe('sk_test_edge_webhook');
  const received: Received[] = [];
  let upstream: UpstreamServer;
  const bed = new GatewayTestBed([AUTH_RPC.getJwks], {
    extraRoutes: [
      defineWebhookRoute({
        id: 'test.payments.stripeWebhook',
        method: 'POST',
        path: WEBHOOK_PATH,
        service: 'payments',
        auth: 'public',
        rateLimit: 'public',
        signatureHeaders: ['stripe-signature'],
        bodyLimitBytes: BODY_LIMIT,
        success: { status: 200, description: 'Event stored' },
        tag: 'Test',
        summary: 'Stripe webhook (test)',
      }),
      defineWebhookRoute({
        id: 'test.analytics.silentWebhook',
        method: 'POST',
        path: '/v1/test/analytics/webhooks/silent',
        service: 'analytics',
        auth: 'public',
        rateLimit: 'public',
        signatureHeaders: [],
        bodyLimitBytes: BODY_LIMIT,
        success: { status: 204, description: 'Stored' },
        tag: 'Test',
        summary: 'A webhook whose service never answers (test)',
      }),
      defineWebhookRoute({
        id: 'test.campaigns.downWebhook',
        method: 'POST',
        path: '/v1/test/campaigns/webhooks/down',
        service: 'campaigns',
        auth: 'public',
        rateLimit: 'public',
        signatureHeaders: ['x-signature'],
        bodyLimitBytes: BODY_LIMIT,
        success: { status: 202, description: 'Stored' },
        tag: 'Test',
        summary: 'A webhook whose service is down (test)',
      }),
      defineStreamRoute({
        id: 'test.voice.silentStream',
        methods: ['GET'],
        path: '/v1/test/voice/silent',
        service: 'voice',
        auth: 'authenticated',
        rateLimit: 'read',
        maxBodyBytes: 0,
        success: { description: 'Never' },
        tag: 'Test',
        summary: 'A stream whose service never answers (test)',
      }),
    ],
  });
  let silent: UpstreamServer;
  const silentCalls: string[] = [];

  let signingKey: Awaited<ReturnType<typeof createSigningKey>>;
  beforeAll(async () => {
    signingKey = await createSigningKey();
    // The payments service's internal port: it verifies with the real SDK, as the service will.
    upstream = await startUpstreamServer(async (request, response) => {
      const body = await readBody(request);
      received.push({ body, headers: request.headers, url: request.url ?? '' });
      if (request.url?.startsWith('/v1/webhooks/azul')) {
        // Payments sends the cardholder's browser on to the app once the 3-D Secure result is stored.
        response.writeHead(303, {
          location: 'https://app.example.test/billing?azul3ds=received',
          'set-cookie': 'service-session=1',
        });
        return void response.end();
      }
      try {
        const event = stripe.webhooks.constructEvent(
          body,
          String(request.headers['stripe-signature']),
          ENDPOINT_SECRET,
        );
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ received: true, eventId: event.id }));
      } catch (error) {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'signature', message: (error as Error).message }));
      }
    });
    // Accepts the connection and the request, then says nothing (a hung service).
    silent = await startUpstreamServer((request) => {
      silentCalls.push(request.url ?? '');
      request.resume();
      return new Promise<void>(() => undefined);
    });
    bed.handlers.set(AUTH_RPC.getJwks, async () => ({ keys: [signingKey.publicJwk] }));
    await bed.start({
      PAYMENTS_INTERNAL_URL: upstream.url,
      ANALYTICS_INTERNAL_URL: silent.url,
      VOICE_INTERNAL_URL: silent.url,
      CAMPAIGNS_INTERNAL_URL: await closedPortUrl(),
      RATE_LIMIT_PUBLIC_PER_MINUTE: '1000',
      EDGE_WEBHOOK_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
      EDGE_STREAM_IDLE_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
    });
  }, 60_000);
  afterAll(async () => {
    await bed.stop();
    await upstream.close();
    await silent.close();
  }, 30_000);
  beforeEach(() => received.splice(0));

  const post = (body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${bed.url}${WEBHOOK_PATH}?source=stripe`, { method: 'POST', body, headers });

  it('relays a validly signed event: the service verifies the signature of the exact bytes and answers 200', async () => {
    const signature = stripe.webhooks.generateTestHeaderString({
      payload: STRIPE_EVENT_BODY,
      secret: ENDPOINT_SECRET,
    });
    const response = await post(STRIPE_EVENT_BODY, {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': signature,
      authorization: 'Bearer not-for-the-service',
      cookie: 'session=nope',
      'x-platform-principal': 'forged',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, eventId: 'evt_edge_1' });
    expect(received).toHaveLength(1);
    const [call] = received;
    expect(call!.body.equals(Buffer.from(STRIPE_EVENT_BODY, 'utf8'))).toBe(true);
    expect(call!.url).toBe(`${WEBHOOK_PATH}?source=stripe`);
    expect(call!.headers['stripe-signature']).toBe(signature);
    expect(call!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(call!.headers['x-request-id']).toBe(response.headers.get('x-request-id'));
    // Only the listed headers travel: no client credential, no principal a client could forge.
    expect(call!.headers.authorization).toBeUndefined();
    expect(call!.headers.cookie).toBeUndefined();
    expect(call!.headers['x-platform-principal']).toBeUndefined();
  });

  it('relays the service’s 400 when one byte differs from what was signed (a forged or re-serialised body)', async () => {
    const signature = stripe.webhooks.generateTestHeaderString({
      payload: STRIPE_EVENT_BODY,
      secret: ENDPOINT_SECRET,
    });
    const reserialised = JSON.stringify(JSON.parse(STRIPE_EVENT_BODY));
    const response = await post(reserialised, {
      'content-type': 'application/json',
      'stripe-signature': signature,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'signature' });
    expect(received).toHaveLength(1);

    const forged = stripe.webhooks.generateTestHeaderString({
      payload: STRIPE_EVENT_BODY,
      secret: 'whsec_attacker',
    });
    const forgedAnswer = await post(STRIPE_EVENT_BODY, {
      'content-type': 'application/json',
      'stripe-signature': forged,
    });
    expect(forgedAnswer.status).toBe(400);
  });

  it('refuses a body over the route’s limit with 413 problem+json, without calling the service', async () => {
    const oversized = `{"pad":"${'x'.repeat(BODY_LIMIT)}"}`;
    const response = await post(oversized, {
      'content-type': 'application/json',
      'stripe-signature': 't=1,v1=00',
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(received).toHaveLength(0);
  });

  it('keeps a body that is not JSON at all (form-encoded provider) byte-exact', async () => {
    const form = 'a=1&b=%C3%A9+x&a=2';
    const signature = stripe.webhooks.generateTestHeaderString({ payload: form, secret: ENDPOINT_SECRET });
    const response = await post(form, {
      'content-type': 'application/x-www-form-urlencoded',
      'stripe-signature': signature,
    });
    // The stand-in parses it as a Stripe event and fails on JSON, after the signature verified:
    expect(received[0]!.body.toString('utf8')).toBe(form);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: expect.stringMatching(/JSON/i) });
  });

  it('the Mercado Pago route forwards what x-signature covers: data.id in the query, Mercado Pago’s own x-request-id, the body byte-exact', async () => {
    const body = '{"action":"payment.created","data":{"id":"90000000001"},"type":"payment","id":11000000001}';
    const headers = {
      'content-type': 'application/json',
      'x-signature': 'ts=1790000000000,v1=5a1e0c3f',
      'x-request-id': 'mp-request-6f1d2c',
    };
    await fetch(`${bed.url}/v1/webhooks/mercadopago?data.id=90000000001&type=payment`, {
      method: 'POST',
      body,
      headers,
    });
    expect(received).toHaveLength(1);
    const [call] = received;
    expect(call!.url).toBe('/v1/webhooks/mercadopago?data.id=90000000001&type=payment');
    expect(call!.body.toString('utf8')).toBe(body);
    expect(call!.headers['x-signature']).toBe('ts=1790000000000,v1=5a1e0c3f');
    // The signed manifest includes x-request-id: the provider's, never replaced by the gateway's.
    expect(call!.headers['x-request-id']).toBe('mp-request-6f1d2c');
  });

  it('the AZUL 3-D Secure route forwards the browser’s form and the session token in the query unchanged, and relays the service’s redirect', async () => {
    const form = 'cRes=eyJ0cmFuc1N0YXR1cyI6IlkifQ%3D%3D&threeDSSessionData=';
    const answer = await fetch(`${bed.url}/v1/webhooks/azul?session=abc.def`, {
      method: 'POST',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'browser=1' },
      redirect: 'manual',
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('https://app.example.test/billing?azul3ds=received');
    expect(answer.headers.get('set-cookie')).toBeNull();
    expect(received).toHaveLength(1);
    const [call] = received;
    expect(call!.url).toBe('/v1/webhooks/azul?session=abc.def');
    expect(call!.body.toString('utf8')).toBe(form);
    expect(call!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call!.headers.cookie).toBeUndefined();
  });

  it('is listed in the OpenAPI document without a security requirement, its body as raw bytes', async () => {
    const document = (await (await fetch(`${bed.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const operation = document.paths[WEBHOOK_PATH]!.post!;
    expect(operation).toMatchObject({
      operationId: 'test.payments.stripeWebhook',
      security: [],
      requestBody: { content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
      'x-route-kind': 'webhook',
      'x-signature-headers': ['stripe-signature'],
    });
    expect(Object.keys(operation.responses as object)).toEqual(
      expect.arrayContaining(['200', '400', '413', '503']),
    );
  });

  it('answers 504 problem+json naming the service when it accepts but never answers (webhook and stream)', async () => {
    const silentWebhook = await fetch(`${bed.url}/v1/test/analytics/webhooks/silent`, {
      method: 'POST',
      body: '{"event":"x"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(silentWebhook.status).toBe(504);
    expect(await silentWebhook.json()).toMatchObject({
      code: 'RPC_TIMEOUT',
      detail: 'The analytics service did not answer in time',
    });

    const token = await signAccessToken(signingKey, claims({ roles: ['viewer'] }));
    const silentStream = await fetch(`${bed.url}/v1/test/voice/silent`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(silentStream.status).toBe(504);
    expect(await silentStream.json()).toMatchObject({
      code: 'RPC_TIMEOUT',
      detail: 'The voice service did not answer in time',
    });
    expect(silentCalls).toEqual(['/v1/test/analytics/webhooks/silent', '/v1/test/voice/silent']);
  });

  it('answers 503 problem+json naming the service when its internal port refuses the connection', async () => {
    const response = await fetch(`${bed.url}/v1/test/campaigns/webhooks/down`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', 'x-signature': 'sig' },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      detail: expect.stringMatching(/^The campaigns service is unavailable \(ECONNREFUSED\)/),
    });
  });
});
