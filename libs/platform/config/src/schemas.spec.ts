import { z } from 'zod';
import { loadConfig, redactConfig } from './load-config';
import { baseEnvSchema, requireEdgePrincipalSecretInProduction, serviceEnvSchema } from './schemas';

// The defaults and bounds every service boots with, written out by hand: changing one is a
// deliberate change to this table too (docs list them as the platform's env).

const minimalService = { HTTP_PORT: '3101', DATABASE_URL: 'postgres://app@db:5432/platform' };

describe('the env defaults of every service', () => {
  it('fills in each unset variable with its documented default', () => {
    expect(loadConfig(serviceEnvSchema, minimalService)).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      SERVICE_VERSION: '0.1.0',
      HTTP_HOST: '0.0.0.0',
      HTTP_PORT: 3101,
      BODY_LIMIT_BYTES: 1_048_576,
      REQUEST_BODY_TIMEOUT_MS: 30_000,
      AMQP_URL: 'amqp://guest:guest@localhost:5672',
      AMQP_PREFETCH: 32,
      RPC_TIMEOUT_MS: 5_000,
      EVENT_MAX_ATTEMPTS: 5,
      EVENT_RETRY_BASE_MS: 1_000,
      OTEL_TRACES_SAMPLER_RATIO: 1,
      REDIS_URL: 'redis://localhost:6379',
      DATABASE_URL: 'postgres://app@db:5432/platform',
      DATABASE_POOL_SIZE: 10,
      OUTBOX_POLL_MS: 200,
    });
  });
});

describe('the accepted values', () => {
  const accepts = (variable: string, value: string) =>
    baseEnvSchema.safeParse({ HTTP_PORT: '80', [variable]: value }).success;

  it.each(['development', 'test', 'production'])('NODE_ENV=%s', (value) => {
    expect(loadConfig(baseEnvSchema, { HTTP_PORT: '80', NODE_ENV: value }).NODE_ENV).toBe(value);
  });

  it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])('LOG_LEVEL=%s', (value) => {
    expect(loadConfig(baseEnvSchema, { HTTP_PORT: '80', LOG_LEVEL: value }).LOG_LEVEL).toBe(value);
  });

  it.each([
    ['NODE_ENV', 'staging'],
    ['NODE_ENV', 'Production'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'INFO'],
  ])('refuses %s=%j', (variable, value) => {
    expect(accepts(variable, value)).toBe(false);
  });

  it.each([
    ['0', true],
    ['65535', true],
    ['65536', false],
    ['-1', false],
    ['80.5', false],
  ])('HTTP_PORT=%s → %s', (value, ok) => {
    expect(baseEnvSchema.safeParse({ HTTP_PORT: value }).success).toBe(ok);
  });

  it.each([
    ['0', true],
    ['0.25', true],
    ['1', true],
    ['-0.01', false],
    ['1.01', false],
  ])('OTEL_TRACES_SAMPLER_RATIO=%s → %s', (value, ok) => {
    expect(accepts('OTEL_TRACES_SAMPLER_RATIO', value)).toBe(ok);
  });

  it.each([
    ['BODY_LIMIT_BYTES', '0'],
    ['AMQP_PREFETCH', '0'],
    ['RPC_TIMEOUT_MS', '-5'],
    ['EVENT_MAX_ATTEMPTS', '2.5'],
  ])('refuses %s=%s (a positive integer)', (variable, value) => {
    expect(accepts(variable, value)).toBe(false);
  });

  it.each(['DATABASE_MIGRATIONS_URL', 'DATABASE_SYSTEM_URL'])(
    '%s takes postgres:// or postgresql:// only',
    (variable) => {
      const parse = (value: string) => serviceEnvSchema.safeParse({ ...minimalService, [variable]: value });
      expect(parse('postgres://migrator@db:5432/platform').success).toBe(true);
      expect(parse('postgresql://migrator@db:5432/platform').success).toBe(true);
      expect(parse('mysql://migrator@db:3306/platform').success).toBe(false);
      expect(parse('migrator@db').success).toBe(false);
    },
  );
});

describe('requireEdgePrincipalSecretInProduction', () => {
  it('adds a custom issue on EDGE_PRINCIPAL_SECRET in production only', () => {
    const schema = z
      .object({ NODE_ENV: z.string(), EDGE_PRINCIPAL_SECRET: z.string().optional() })
      .superRefine(requireEdgePrincipalSecretInProduction);
    expect(schema.safeParse({ NODE_ENV: 'production' }).error?.issues).toEqual([
      expect.objectContaining({
        code: 'custom',
        path: ['EDGE_PRINCIPAL_SECRET'],
        message: 'is required when NODE_ENV=production',
      }),
    ]);
    expect(schema.safeParse({ NODE_ENV: 'test' }).success).toBe(true);
  });
});

describe('redactConfig of lists', () => {
  it('strips the password of each URL in a list and keeps it a list', () => {
    const schema = z.object({ UPSTREAMS: z.array(z.string()), PORTS: z.array(z.number()) });
    expect(
      redactConfig(schema, {
        UPSTREAMS: ['https://svc:hunter2@a.internal/', 'https://b.internal/'],
        PORTS: [80, 443],
      }),
    ).toEqual({
      UPSTREAMS: ['https://svc:***@a.internal/', 'https://b.internal/'],
      PORTS: [80, 443],
    });
  });
});
