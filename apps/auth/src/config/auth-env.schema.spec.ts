import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, redactConfig } from '@platform/config';
import { authEnvSchema, DEV_KEY_ENCRYPTION_KEY } from './auth-env.schema';

const base = {
  HTTP_PORT: '3101',
  DATABASE_URL: 'postgres://app:pw@db:5432/platform_auth',
};
const production = {
  ...base,
  NODE_ENV: 'production',
  KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  SMTP_URL: 'smtp://user:pass@mail:587',
  EDGE_PRINCIPAL_SECRET: randomBytes(32).toString('base64url'),
};

const messageOf = (env: Record<string, string>) => {
  try {
    loadConfig(authEnvSchema, env);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
};

describe('auth env schema', () => {
  it('has working development defaults (no key, no SMTP) and strong production defaults', () => {
    const config = loadConfig(authEnvSchema, base);
    expect(config).toMatchObject({
      JWT_ACCESS_TTL_SECONDS: 900,
      JWT_KEY_ROTATION_SECONDS: 7 * 24 * 3600,
      REFRESH_REUSE_GRACE_SECONDS: 10,
      ARGON2_MEMORY_KIB: 19456,
      ARGON2_TIME_COST: 2,
      OAUTH_GOOGLE_ISSUER: 'https://accounts.google.com',
      GITHUB_API_BASE_URL: 'https://api.github.com',
    });
    expect(config.KEY_ENCRYPTION_KEY).toBeUndefined();
    expect(loadConfig(authEnvSchema, production).NODE_ENV).toBe('production');
  });

  it('in production, requires a real key-encryption key and an SMTP server', () => {
    const { KEY_ENCRYPTION_KEY: _k, SMTP_URL: _s, ...bare } = production;
    const message = messageOf(bare);
    expect(message).toMatch(/KEY_ENCRYPTION_KEY: is required when NODE_ENV=production/);
    expect(message).toMatch(/SMTP_URL: is required when NODE_ENV=production/);
    expect(messageOf({ ...production, KEY_ENCRYPTION_KEY: DEV_KEY_ENCRYPTION_KEY })).toMatch(
      /KEY_ENCRYPTION_KEY: must not be the development key in production \(value hidden\)/,
    );
  });

  it('refuses a key that is not 32 bytes, without echoing it', () => {
    const message = messageOf({ ...base, KEY_ENCRYPTION_KEY: 'c2hvcnQ=' });
    expect(message).toMatch(/KEY_ENCRYPTION_KEY: must be 32 bytes encoded in base64 \(value hidden\)/);
    expect(message).not.toContain('c2hvcnQ=');
  });

  it('refuses weak argon2 parameters and long access tokens in production only', () => {
    const weak = { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1', JWT_ACCESS_TTL_SECONDS: '3600' };
    expect(loadConfig(authEnvSchema, { ...base, ...weak }).ARGON2_MEMORY_KIB).toBe(1024);
    const message = messageOf({ ...production, ...weak });
    expect(message).toMatch(/ARGON2_MEMORY_KIB/);
    expect(message).toMatch(/ARGON2_TIME_COST/);
    expect(message).toMatch(/JWT_ACCESS_TTL_SECONDS/);
  });

  it('masks secrets when printed', () => {
    const config = loadConfig(authEnvSchema, { ...production, OAUTH_GITHUB_CLIENT_SECRET: 'gh-secret' });
    const printed = JSON.stringify(redactConfig(authEnvSchema, config));
    expect(printed).not.toContain(production.KEY_ENCRYPTION_KEY);
    expect(printed).not.toContain('gh-secret');
    expect(printed).not.toContain('pass@');
  });
});
