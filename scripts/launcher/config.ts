/**
 * The launcher's own variables (LAUNCHER_*), validated once at start; each has a default
 * (see .env.example). Empty values count as unset, as in the services' config.
 */
import { z } from 'zod';
import type { RestartPolicy } from './backoff';
import type { Env } from './env';

const positiveMs = z.coerce.number().int().positive();

const schema = z
  .object({
    LAUNCHER_READY_TIMEOUT_MS: positiveMs.default(60_000),
    LAUNCHER_STOP_TIMEOUT_MS: positiveMs.default(10_000),
    LAUNCHER_RESTART_INITIAL_DELAY_MS: positiveMs.default(1_000),
    LAUNCHER_RESTART_MAX_DELAY_MS: positiveMs.default(30_000),
    LAUNCHER_RESTART_RESET_AFTER_MS: positiveMs.default(60_000),
    LAUNCHER_RESTART_JITTER: z.coerce.number().min(0).max(1).default(0.2),
  })
  .refine((env) => env.LAUNCHER_RESTART_MAX_DELAY_MS >= env.LAUNCHER_RESTART_INITIAL_DELAY_MS, {
    message: 'must be at least LAUNCHER_RESTART_INITIAL_DELAY_MS',
    path: ['LAUNCHER_RESTART_MAX_DELAY_MS'],
  });

export interface LauncherConfig {
  readonly readyTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly restart: RestartPolicy;
}

export function readLauncherConfig(env: Env): LauncherConfig {
  const input: Env = {};
  for (const key of Object.keys(schema.shape)) input[key] = env[key] === '' ? undefined : env[key];
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message} (got "${input[String(issue.path[0])]}")`,
    );
    throw new Error(`invalid launcher configuration: ${problems.join('; ')}`);
  }
  const values = result.data;
  return {
    readyTimeoutMs: values.LAUNCHER_READY_TIMEOUT_MS,
    stopTimeoutMs: values.LAUNCHER_STOP_TIMEOUT_MS,
    restart: {
      initialDelayMs: values.LAUNCHER_RESTART_INITIAL_DELAY_MS,
      maxDelayMs: values.LAUNCHER_RESTART_MAX_DELAY_MS,
      resetAfterMs: values.LAUNCHER_RESTART_RESET_AFTER_MS,
      jitterRatio: values.LAUNCHER_RESTART_JITTER,
    },
  };
}
