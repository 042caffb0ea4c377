import { PlatformHarness } from '../platform-harness';
import { ApiClient } from './api-client';

/** Env for suites that are not about throttling: the limits stay on, just far from reach. */
export const GENEROUS_LIMITS = {
  RATE_LIMIT_PLAN_SCALE: '100',
  RATE_LIMIT_CREDENTIAL_PER_MINUTE: '10000',
  RATE_LIMIT_PUBLIC_PER_MINUTE: '10000',
  RATE_LIMIT_SENSITIVE_PER_MINUTE: '10000',
  RATE_LIMIT_WRITE_PER_MINUTE: '10000',
  RATE_LIMIT_READ_PER_MINUTE: '10000',
  LOGIN_FREE_ATTEMPTS_PER_ACCOUNT: '1000',
  LOGIN_FREE_ATTEMPTS_PER_CLIENT: '1000',
};

/**
 * Boots the whole platform for a suite; read `suite.platform` / `suite.api` inside tests. `env` may be
 * a function, read when the platform starts: for env known only once an earlier `beforeAll` ran (the
 * URL of a local fake such as FakeStripe).
 */
export function usePlatform(
  env: Record<string, string> | (() => Record<string, string>) = {},
  options: Parameters<PlatformHarness['start']>[1] = {},
): { platform: PlatformHarness; api: ApiClient } {
  const suite = { platform: new PlatformHarness() } as { platform: PlatformHarness; api: ApiClient };
  beforeAll(async () => {
    await suite.platform.start({ LOG_LEVEL: 'error', ...(typeof env === 'function' ? env() : env) }, options);
    suite.api = new ApiClient(suite.platform.gateway.url);
  }, 120_000);
  afterAll(() => suite.platform.stop(), 60_000);
  return suite;
}
