import { z } from 'zod';
import type { BackendServiceName } from '../services';

/**
 * RPC patterns: `<service>.<entity>.<verb>`. The value is the AMQP routing key on the
 * `platform.rpc` exchange — never rename one without a migration plan (old callers keep using it).
 */
export const RPC_EXCHANGE = 'platform.rpc';

/** Every backend service answers `<service>.health.ping`; the gateway's `/health/services` uses it. */
export function healthPingPattern(service: BackendServiceName): `${BackendServiceName}.health.ping` {
  return `${service}.health.ping`;
}

export const healthPingResultSchema = z.object({
  service: z.string(),
  status: z.enum(['up', 'down']),
  checks: z.record(z.string(), z.enum(['up', 'down'])),
  version: z.string(),
  uptimeSeconds: z.number(),
});
export type HealthPingResult = z.infer<typeof healthPingResultSchema>;

/** Pattern naming rule, enforced where handlers are registered. */
export const RPC_PATTERN_REGEX = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;
