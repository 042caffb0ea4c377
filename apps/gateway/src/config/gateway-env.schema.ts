import { z } from 'zod';
import { baseEnvShape, redisEnvShape } from '@platform/config';

/** The gateway has no database: Redis (limits, cache, denylist) and RabbitMQ only. */
export const gatewayEnvSchema = z.object({
  ...baseEnvShape,
  ...redisEnvShape,
  HTTP_PORT: baseEnvShape.HTTP_PORT.default(3000),
  /** Budget of each backend's health ping inside `/health/ready`. */
  READINESS_PING_TIMEOUT_MS: z.coerce.number().int().positive().default(1500),
});
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
