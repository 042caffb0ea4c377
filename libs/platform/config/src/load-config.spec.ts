import { z } from 'zod';
import { ConfigError } from './config-error';
import { loadConfig, redactConfig } from './load-config';
import { serviceEnvSchema } from './schemas';

const validEnv = {
  HTTP_PORT: '3101',
  DATABASE_URL: 'postgres://app:s3cret@db:5432/platform_auth',
  AMQP_URL: 'amqp://guest:guest@mq:5672',
};

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(serviceEnvSchema, validEnv);
    expect(config.HTTP_PORT).toBe(3101);
    expect(config.RPC_TIMEOUT_MS).toBe(5000);
    expect(config.REDIS_URL).toBe('redis://localhost:6379');
    expect(config.NODE_ENV).toBe('development');
  });

  it('rejects a bad env with a message naming every bad variable', () => {
    const attempt = () =>
      loadConfig(serviceEnvSchema, {
        ...validEnv,
        HTTP_PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
      });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toMatch(/HTTP_PORT: .*\(got "eighty"\)/);
    expect(message).toMatch(
      /DATABASE_URL: must be a URL with protocol postgres:\/\/ or postgresql:\/\/ \(value hidden\)/,
    );
    expect(message).toMatch(/LOG_LEVEL: .*\(got "loud"\)/);
  });

  it('names a missing required variable', () => {
    const { DATABASE_URL: _omitted, ...env } = validEnv;
    expect(() => loadConfig(serviceEnvSchema, env)).toThrow(/DATABASE_URL: .*\(unset\)/);
  });

  it('treats empty strings as unset so defaults apply', () => {
    const config = loadConfig(serviceEnvSchema, { ...validEnv, RPC_TIMEOUT_MS: '' });
    expect(config.RPC_TIMEOUT_MS).toBe(5000);
  });

  it('supports conditional requirements through refinements', () => {
    const schema = z
      .object({ STORAGE_DRIVER: z.enum(['local', 's3']).default('local'), S3_BUCKET: z.string().optional() })
      .refine((c) => c.STORAGE_DRIVER !== 's3' || !!c.S3_BUCKET, {
        path: ['S3_BUCKET'],
        message: 'is required when STORAGE_DRIVER=s3',
      });
    expect(() => loadConfig(schema as unknown as z.ZodObject, { STORAGE_DRIVER: 's3' })).toThrow(
      /S3_BUCKET: is required when STORAGE_DRIVER=s3/,
    );
  });
});

describe('redactConfig', () => {
  it('masks secrets and never prints credentials', () => {
    const config = loadConfig(serviceEnvSchema, validEnv);
    const printed = JSON.stringify(redactConfig(serviceEnvSchema, config));
    expect(printed).not.toContain('s3cret');
    expect(printed).toContain('"DATABASE_URL":"[secret]"');
  });
});

describe('EDGE_PRINCIPAL_SECRET (shared by the gateway and every service)', () => {
  const secret = 'x'.repeat(32);

  it('is required in production, naming the variable', () => {
    expect(() => loadConfig(serviceEnvSchema, { ...validEnv, NODE_ENV: 'production' })).toThrow(
      /EDGE_PRINCIPAL_SECRET: is required when NODE_ENV=production \(unset\)/,
    );
    const config = loadConfig(serviceEnvSchema, {
      ...validEnv,
      NODE_ENV: 'production',
      EDGE_PRINCIPAL_SECRET: secret,
    });
    expect(config.EDGE_PRINCIPAL_SECRET).toBe(secret);
  });

  it('is optional elsewhere, refuses fewer than 32 bytes anywhere and is masked in messages and logs', () => {
    expect(loadConfig(serviceEnvSchema, validEnv).EDGE_PRINCIPAL_SECRET).toBeUndefined();
    const short = 'y'.repeat(31);
    expect(() => loadConfig(serviceEnvSchema, { ...validEnv, EDGE_PRINCIPAL_SECRET: short })).toThrow(
      /EDGE_PRINCIPAL_SECRET: must be at least 32 bytes \(value hidden\)/,
    );
    const config = loadConfig(serviceEnvSchema, { ...validEnv, EDGE_PRINCIPAL_SECRET: secret });
    expect(redactConfig(serviceEnvSchema, config).EDGE_PRINCIPAL_SECRET).toBe('[secret]');
  });
});

describe('ConfigError', () => {
  it('prints one problem per line under a heading', () => {
    expect(new ConfigError(['A: is required (unset)', 'B: too big (got "9")']).message).toBe(
      'Invalid configuration:\n  - A: is required (unset)\n  - B: too big (got "9")',
    );
  });
});
