import type { FastifyRequest } from 'fastify';
import type { GatewayEnv } from '../../config/gateway-env.schema';
import { internalUrlFor, streamRequestHeaders } from './forwarded-headers';

function requestWith(headers: Record<string, string>, encrypted = false): FastifyRequest {
  return {
    headers,
    id: 'req-7',
    clientIp: '203.0.113.9',
    raw: { socket: { encrypted } },
  } as unknown as FastifyRequest;
}

describe('stream request headers', () => {
  const client = {
    authorization: 'Bearer user-token',
    cookie: 'sid=1',
    'x-api-key': 'pk_1',
    'x-platform-principal': 'forged',
    'x-organization-code': 'CODE',
    'x-user-id': '11111111-2222-4333-8444-555555555555',
    'x-device-token': 'dev',
    'x-request-id': 'client-chosen',
    'x-forwarded-for': '10.0.0.1',
    'x-forwarded-host': 'public.example',
    'x-forwarded-proto': 'https',
    forwarded: 'for=10.0.0.1',
    host: 'api.example.com',
    connection: 'keep-alive',
    expect: '100-continue',
    'transfer-encoding': 'chunked',
    'content-type': 'application/offset+octet-stream',
    'content-length': '42',
    'upload-offset': '100',
    'tus-resumable': '1.0.0',
    range: 'bytes=0-9',
  };

  it('drops credentials, client-made principals, forwarding claims and hop-by-hop headers; keeps the rest', () => {
    expect(streamRequestHeaders(requestWith(client), 0, 'signed-token')).toEqual({
      'content-type': 'application/offset+octet-stream',
      'content-length': '42',
      'upload-offset': '100',
      'tus-resumable': '1.0.0',
      range: 'bytes=0-9',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-host': 'api.example.com',
      'x-forwarded-proto': 'http',
      'x-request-id': 'req-7',
      'x-platform-principal': 'signed-token',
    });
  });

  it('takes X-Forwarded-Host/Proto from trusted proxies only, and https from a TLS socket', () => {
    const behindProxy = streamRequestHeaders(requestWith(client), 1, 't');
    expect([behindProxy['x-forwarded-host'], behindProxy['x-forwarded-proto']]).toEqual([
      'public.example',
      'https',
    ]);
    const tls = streamRequestHeaders(requestWith({ host: 'api.example.com' }, true), 0, 't');
    expect(tls['x-forwarded-proto']).toBe('https');
  });

  it('builds the internal URL from the service origin and the request path only', () => {
    const config = {
      STORAGE_INTERNAL_URL: 'http://storage.internal:3105/ignored-base',
    } as unknown as GatewayEnv;
    expect(internalUrlFor(config, 'storage', '/v1/uploads/abc?x=1').href).toBe(
      'http://storage.internal:3105/v1/uploads/abc?x=1',
    );
    // A protocol-relative or absolute-form target never picks the host.
    expect(internalUrlFor(config, 'storage', '//evil.example/v1/uploads').host).toBe('storage.internal:3105');
    expect(() => internalUrlFor(config, 'storage', 'http://evil.example/v1/uploads')).toThrow(
      /must be a path/,
    );
  });
});
