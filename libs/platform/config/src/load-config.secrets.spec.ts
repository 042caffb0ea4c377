import { z } from 'zod';
import { ConfigError } from './config-error';
import { loadConfig, redactConfig } from './load-config';
import { secret } from './secret';
import { baseEnvSchema, serviceEnvSchema, urlWithProtocol } from './schemas';

const validEnv = {
  HTTP_PORT: '3101',
  DATABASE_URL: 'postgres://app:s3cret@db:5432/platform_auth',
};

const problemsOf = (attempt: () => unknown): readonly string[] => {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('the config was accepted');
};

describe('config errors never print a secret', () => {
  it('hides a secret URL with a password that has the wrong protocol', () => {
    const problems = problemsOf(() =>
      loadConfig(serviceEnvSchema, { ...validEnv, AMQP_URL: 'http://guest:hunter2@mq:5672' }),
    );
    expect(problems).toEqual(['AMQP_URL: must be a URL with protocol amqp:// or amqps:// (value hidden)']);
  });

  it('hides a secret that is not a URL at all, and names an unset one', () => {
    expect(problemsOf(() => loadConfig(serviceEnvSchema, { ...validEnv, REDIS_URL: 'p@ss word' }))).toEqual([
      'REDIS_URL: must be a URL with protocol redis:// or rediss:// (value hidden)',
    ]);
    const { DATABASE_URL: _unset, ...withoutDatabase } = validEnv;
    expect(problemsOf(() => loadConfig(serviceEnvSchema, withoutDatabase))).toEqual([
      expect.stringMatching(/^DATABASE_URL: .* \(unset\)$/),
    ]);
  });

  it('shows a non-secret bad value, and prints every problem as a list', () => {
    const attempt = () =>
      loadConfig(serviceEnvSchema, { ...validEnv, OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' });
    expect(problemsOf(attempt)).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL with protocol http:// or https:// (got "ftp://x")',
    ]);
    expect(attempt).toThrow(
      'Invalid configuration:\n  - OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL with protocol http:// or https:// (got "ftp://x")',
    );
    const error = (() => {
      try {
        attempt();
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.name).toBe('ConfigError');
  });

  it('names a problem of the whole environment "(environment)"', () => {
    const schema = z
      .object({ A: z.string().optional(), B: z.string().optional() })
      .refine((env) => env.A !== undefined || env.B !== undefined, 'needs A or B');
    expect(problemsOf(() => loadConfig(schema as unknown as z.ZodObject, {}))).toEqual([
      '(environment): needs A or B (unset)',
    ]);
  });

  it('treats an empty string as unset for required variables too', () => {
    expect(problemsOf(() => loadConfig(serviceEnvSchema, { ...validEnv, HTTP_PORT: '' }))).toEqual([
      expect.stringMatching(/^HTTP_PORT: .* \(unset\)$/),
    ]);
  });

  it('reads only the variables of the schema from the environment', () => {
    const config = loadConfig(baseEnvSchema, { HTTP_PORT: '80', UNRELATED: 'x' }) as Record<string, unknown>;
    expect(config).not.toHaveProperty('UNRELATED');
    expect(config.HTTP_PORT).toBe(80);
  });
});

describe('redactConfig', () => {
  const schema = z.object({
    TOKEN: secret(z.string()),
    ENDPOINT: z.string(),
    BROKER: z.string(),
    PLAIN: z.string(),
    BROKEN: z.string(),
    PORT: z.number(),
  });

  it('masks secrets, hides URL passwords, keeps the rest', () => {
    expect(
      redactConfig(schema, {
        TOKEN: 'tok_live',
        ENDPOINT: 'https://user:hunter2@otel.example:4318/v1/traces',
        BROKER: 'amqp+tls://justauser@mq',
        PLAIN: 'https://otel.example:4318',
        BROKEN: 'https://user:pw@[not-a-host',
        PORT: 8080,
      }),
    ).toEqual({
      TOKEN: '[secret]',
      ENDPOINT: 'https://user:***@otel.example:4318/v1/traces',
      BROKER: 'amqp+tls://justauser@mq',
      PLAIN: 'https://otel.example:4318',
      BROKEN: '[unparseable url]',
      PORT: 8080,
    });
  });

  it('leaves an @ after the host alone (not credentials)', () => {
    const plain = z.object({ URL: z.string() });
    expect(redactConfig(plain, { URL: 'https://host/path@x' })).toEqual({ URL: 'https://host/path@x' });
    expect(redactConfig(plain, { URL: 'see https://u:p@host' })).toEqual({ URL: 'see https://u:p@host' });
  });
});

describe('urlWithProtocol', () => {
  it('accepts only the listed protocols', () => {
    const schema = urlWithProtocol('redis', 'rediss');
    expect(schema.safeParse('redis://h:6379').success).toBe(true);
    expect(schema.safeParse('rediss://h:6379').success).toBe(true);
    expect(schema.safeParse('http://h').success).toBe(false);
    expect(schema.safeParse('redis').success).toBe(false);
  });
});
