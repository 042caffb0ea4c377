import { z } from 'zod';
import { ConfigError } from './config-error';
import { isSecret } from './secret';

export type Env = Record<string, string | undefined>;

/**
 * Validates the environment against a service's schema once, at boot. Empty strings count as unset
 * so that `FOO=` in a .env file falls back to the default instead of failing a format check.
 * Secret values are never echoed in the error message.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  const input: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      const field = schema.shape[variable as keyof typeof schema.shape] as z.ZodType | undefined;
      const raw = input[variable];
      const shown = raw === undefined ? 'unset' : field && isSecret(field) ? 'value hidden' : `got "${raw}"`;
      return `${variable}: ${issue.message} (${shown})`;
    }),
  );
}

/** A copy of the config fit for logs: secret values replaced and credentials stripped from URLs. */
export function redactConfig<S extends z.ZodObject>(schema: S, config: z.infer<S>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    const field = schema.shape[key as keyof typeof schema.shape] as z.ZodType | undefined;
    if (field && isSecret(field)) out[key] = '[secret]';
    // A list (a comma-separated variable parsed into strings) is redacted item by item.
    else if (Array.isArray(value)) out[key] = value.map(redactValue);
    else out[key] = redactValue(value);
  }
  return out;
}

function redactValue(value: unknown): unknown {
  return typeof value === 'string' && /^[a-z+]+:\/\/[^/]*@/i.test(value) ? stripCredentials(value) : value;
}

function stripCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
