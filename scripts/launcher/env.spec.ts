import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DEFAULTS,
  databaseUrlFor,
  loadDotenv,
  parseDotenv,
  resolveService,
  withLaunchSecrets,
  type Env,
} from './env';
import { envPrefix, SERVICES } from './services';

const service = (name: string) => {
  const found = SERVICES.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name}`);
  return found;
};

describe('parseDotenv', () => {
  it('reads KEY=VALUE lines, skipping comments and blanks, unquoting values', () => {
    const text = [
      '# comment',
      '',
      'A=1',
      'export B="two words"',
      "C='x=y'",
      'EMPTY=',
      'not a line',
      'URL=postgres://u:p@h:5432/db?sslmode=disable',
    ].join('\r\n');
    expect(parseDotenv(text)).toEqual({
      A: '1',
      B: 'two words',
      C: 'x=y',
      EMPTY: '',
      URL: 'postgres://u:p@h:5432/db?sslmode=disable',
    });
  });
});

describe('loadDotenv', () => {
  it('keeps variables that are already set', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'launcher-env-'));
    try {
      const file = path.join(dir, '.env');
      writeFileSync(file, 'KEEP=from-file\nNEW=from-file\n');
      const env: Env = { KEEP: 'from-env' };
      expect(loadDotenv(file, env)).toEqual(['NEW']);
      expect(env).toEqual({ KEEP: 'from-env', NEW: 'from-file' });
      expect(loadDotenv(path.join(dir, 'missing'), env)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resolveService', () => {
  it('gives each service its default port, in the documented order', () => {
    expect(SERVICES.map((s) => [s.name, resolveService(s, {}).port])).toEqual([
      ['gateway', 3000],
      ['auth', 3101],
      ['payments', 3102],
      ['recordings', 3103],
      ['voice', 3104],
      ['storage', 3105],
      ['audio-worker', 3106],
      ['campaigns', 3107],
      ['analytics', 3108],
    ]);
  });

  it('derives the app, migrator and system connections from POSTGRES_URL unless <NAME>_DATABASE_URL is set', () => {
    const env: Env = {
      POSTGRES_URL: 'postgres://admin:secret@db.internal:6432/postgres?sslmode=require',
      PAYMENTS_DATABASE_URL: 'postgres://other/payments',
      PAYMENTS_DATABASE_SYSTEM_URL: 'postgres://sys@other/payments',
      DATABASE_MIGRATIONS_URL: 'postgres://stale/launcher-env',
    };
    const worker = resolveService(service('audio-worker'), env).env;
    expect([worker.DATABASE_URL, worker.DATABASE_MIGRATIONS_URL, worker.DATABASE_SYSTEM_URL]).toEqual([
      'postgres://platform_audio_worker_app@db.internal:6432/platform_audio_worker?sslmode=require',
      'postgres://admin:secret@db.internal:6432/platform_audio_worker?sslmode=require',
      'postgres://platform_audio_worker_system@db.internal:6432/platform_audio_worker?sslmode=require',
    ]);
    const payments = resolveService(service('payments'), env).env;
    expect([payments.DATABASE_URL, payments.DATABASE_MIGRATIONS_URL, payments.DATABASE_SYSTEM_URL]).toEqual([
      'postgres://other/payments',
      undefined,
      'postgres://sys@other/payments',
    ]);
  });

  it('gives the gateway no DATABASE_URL and the public port from GATEWAY_PORT', () => {
    const gateway = resolveService(service('gateway'), {
      GATEWAY_PORT: '8080',
      DATABASE_URL: 'postgres://x/y',
    });
    expect(gateway.port).toBe(8080);
    expect(gateway.host).toBe('0.0.0.0');
    expect(gateway.env.HTTP_PORT).toBe('8080');
    expect(gateway.env.DATABASE_URL).toBeUndefined();
    expect(gateway.env.DATABASE_SYSTEM_URL).toBeUndefined();
  });

  it('gives the gateway its internal port (readiness, metrics) from GATEWAY_INTERNAL_PORT, default 3100', () => {
    const byDefault = resolveService(service('gateway'), {});
    const overridden = resolveService(service('gateway'), { GATEWAY_INTERNAL_PORT: '9100' });
    expect([byDefault.readinessPort, byDefault.env.GATEWAY_INTERNAL_PORT]).toEqual([3100, '3100']);
    expect([overridden.readinessPort, overridden.env.GATEWAY_INTERNAL_PORT]).toEqual([9100, '9100']);
    expect(resolveService(service('auth'), {}).readinessPort).toBe(3101);
    expect(() => resolveService(service('gateway'), { GATEWAY_INTERNAL_PORT: 'x' })).toThrow(
      /GATEWAY_INTERNAL_PORT/,
    );
  });

  it('gives the gateway every backend internal URL from the backends ports (a set URL wins)', () => {
    const gateway = resolveService(service('gateway'), {
      STORAGE_HTTP_PORT: '4105',
      PAYMENTS_INTERNAL_URL: 'http://payments.internal:80',
    }).env;
    expect(gateway).toMatchObject({
      AUTH_INTERNAL_URL: 'http://127.0.0.1:3101',
      PAYMENTS_INTERNAL_URL: 'http://payments.internal:80',
      STORAGE_INTERNAL_URL: 'http://127.0.0.1:4105',
      AUDIO_WORKER_INTERNAL_URL: 'http://127.0.0.1:3106',
      ANALYTICS_INTERNAL_URL: 'http://127.0.0.1:3108',
    });
    expect(resolveService(service('auth'), {}).env.STORAGE_INTERNAL_URL).toBeUndefined();
  });

  it('generates one EDGE_PRINCIPAL_SECRET per launch for all services, keeping a set one', () => {
    const env = withLaunchSecrets({});
    expect(env.EDGE_PRINCIPAL_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const secrets = SERVICES.map((s) => resolveService(s, env).env.EDGE_PRINCIPAL_SECRET);
    expect(new Set(secrets)).toEqual(new Set([env.EDGE_PRINCIPAL_SECRET]));
    expect(withLaunchSecrets({}).EDGE_PRINCIPAL_SECRET).not.toBe(env.EDGE_PRINCIPAL_SECRET);
    expect(withLaunchSecrets({ EDGE_PRINCIPAL_SECRET: 'set-by-operator' }).EDGE_PRINCIPAL_SECRET).toBe(
      'set-by-operator',
    );
  });

  it('applies <NAME>_HTTP_PORT, passes REDIS_URL/AMQP_URL through and rejects a bad port', () => {
    const env: Env = { AUDIO_WORKER_HTTP_PORT: '4106', REDIS_URL: 'redis://r:6379', AMQP_URL: 'amqp://mq' };
    const worker = resolveService(service('audio-worker'), env);
    expect(worker).toMatchObject({ port: 4106, host: '127.0.0.1' });
    expect(worker.env).toMatchObject({
      HTTP_PORT: '4106',
      REDIS_URL: 'redis://r:6379',
      AMQP_URL: 'amqp://mq',
    });
    expect(() => resolveService(service('auth'), { AUTH_HTTP_PORT: 'abc' })).toThrow(/AUTH_HTTP_PORT/);
  });
});

describe('helpers', () => {
  it('turns service names into variable prefixes', () => {
    expect(envPrefix('audio-worker')).toBe('AUDIO_WORKER');
  });

  it('rejects an invalid POSTGRES_URL by name', () => {
    expect(() => databaseUrlFor('not a url', 'platform_auth')).toThrow(/POSTGRES_URL/);
  });
});

describe('.env.example', () => {
  const example = parseDotenv(readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8'));

  it('documents every port variable with the launcher default', () => {
    for (const s of SERVICES)
      expect([s.portVariable, example[s.portVariable]]).toEqual([s.portVariable, String(s.defaultPort)]);
  });

  it('documents the infrastructure URLs with the launcher defaults', () => {
    expect(example.POSTGRES_URL).toBe(DEFAULTS.POSTGRES_URL);
    expect(example.REDIS_URL).toBe(DEFAULTS.REDIS_URL);
    expect(example.AMQP_URL).toBe(DEFAULTS.AMQP_URL);
  });
});
