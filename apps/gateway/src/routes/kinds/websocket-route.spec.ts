import { defineWebSocketRoute, isWebSocketRoute, pathMatcher } from './websocket-route';

describe('websocket route paths', () => {
  const matches = pathMatcher('/v1/voice/calls/:callId/stream');

  it.each([
    ['/v1/voice/calls/123/stream', true],
    ['/v1/voice/calls/a-b_c.d/stream', true],
    ['/v1/voice/calls//stream', false],
    ['/v1/voice/calls/1/2/stream', false],
    ['/v1/voice/calls/1/stream/', false],
    ['/v1/voice/calls/1/streams', false],
    ['/x/v1/voice/calls/1/stream', false],
  ])('%s matches: %s', (path, expected) => {
    expect(matches(path)).toBe(expected);
  });

  it('treats dots and other regex characters in a literal segment literally', () => {
    expect(pathMatcher('/v1/a.b')('/v1/a.b')).toBe(true);
    expect(pathMatcher('/v1/a.b')('/v1/aXb')).toBe(false);
  });

  it('tells websocket entries from rpc ones', () => {
    const route = defineWebSocketRoute({
      id: 'x',
      path: '/v1/x',
      service: 'voice',
      auth: 'authenticated',
      rateLimit: 'read',
      maxConnectionsPerOrganization: 1,
      idleTimeoutSeconds: 1,
      maxMessageBytes: 1,
      tag: 'X',
      summary: 'x',
    });
    expect(route.kind).toBe('websocket');
    expect(isWebSocketRoute(route)).toBe(true);
    expect(isWebSocketRoute({})).toBe(false);
    expect(isWebSocketRoute({ kind: 'rpc' })).toBe(false);
  });
});
