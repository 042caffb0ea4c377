import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { boundedBy } from '@platform/timeouts';

export const REDIS = Symbol('REDIS');

const QUIT_TIMEOUT_MS = 1_000;

export interface RedisOptions {
  url: string;
  /** Namespaces every key (tests isolate suites this way; services may share one Redis). */
  keyPrefix?: string;
  connectionName: string;
  /**
   * Commands issued in the same event-loop turn go out in one write (ioredis auto-pipelining): under
   * load, the per-request commands of many concurrent requests share a syscall. Order and replies are
   * unchanged. For hot paths (the gateway's limiter and denylist).
   */
  autoPipelining?: boolean;
}

export function createRedisClient(options: RedisOptions): Redis {
  return new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    connectionName: options.connectionName,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
    enableAutoPipelining: options.autoPipelining ?? false,
  });
}

/** One ioredis client per process, injected with `@Inject(REDIS)`. */
@Module({})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static forRoot(options: RedisOptions): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [{ provide: REDIS, useFactory: () => createRedisClient(options) }],
      exports: [REDIS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // QUIT lets pending replies arrive; with Redis unreachable it would wait on reconnect timers,
    // so it gets a short bound and then the socket is dropped.
    const quitInTime = await boundedBy(
      this.redis.quit().then(
        () => true,
        () => false,
      ),
      QUIT_TIMEOUT_MS,
    );
    if (!quitInTime) this.redis.disconnect();
  }
}
