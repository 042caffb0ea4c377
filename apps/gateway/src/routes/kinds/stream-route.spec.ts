import { ConfigError } from '@platform/config';
import type { GatewayEnv } from '../../config/gateway-env.schema';
import { defineStreamRoute } from './stream-route.definition';
import { StreamRouteKind } from './stream-route';

describe('StreamRouteKind registration', () => {
  it('fails the gateway start with a ConfigError naming EDGE_PRINCIPAL_SECRET when a stream route exists without it', () => {
    const kind = new StreamRouteKind(
      undefined as never,
      undefined as never,
      undefined as never,
      {} as GatewayEnv,
    );
    const route = defineStreamRoute({
      id: 'storage.download',
      methods: ['GET'],
      path: '/v1/files/:id',
      service: 'storage',
      auth: 'storage:read',
      rateLimit: 'read',
      maxBodyBytes: 0,
      success: { description: 'bytes' },
      tag: 'Storage',
      summary: 'Download',
    });
    expect(() => kind.register(undefined as never, route)).toThrow(ConfigError);
    expect(() => kind.register(undefined as never, route)).toThrow(
      /EDGE_PRINCIPAL_SECRET: is required by the stream route storage.download/,
    );
  });
});
