import Redis from 'ioredis';
import { infraUrls } from '../infra/infra-urls';
import { uniqueName } from '../infra/unique-name';

export interface TestRedis {
  url: string;
  /** Every key of the suite starts with this; pass it to the code under test. */
  keyPrefix: string;
  /** A client already scoped to the prefix. */
  client: Redis;
  cleanup(): Promise<void>;
}

/** Isolates a suite inside a shared Redis by key prefix, and deletes its keys afterwards. */
export async function createTestRedis(prefix = 'test'): Promise<TestRedis> {
  const url = infraUrls().redis;
  const keyPrefix = `${uniqueName(prefix)}:`;
  const client = new Redis(url, { keyPrefix, lazyConnect: true });
  await client.connect();
  return {
    url,
    keyPrefix,
    client,
    async cleanup() {
      const raw = new Redis(url);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
          if (keys.length) await raw.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        raw.disconnect();
        client.disconnect();
      }
    },
  };
}
