/**
 * Environment of the launcher and of each child service: a minimal `.env` reader (existing
 * variables win) and the per-service variables (HTTP_PORT, HTTP_HOST, DATABASE_URL, ...).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { serviceRoleNames, urlForRole } from '@platform/persistence';
import { envPrefix, SERVICES, type ServiceDefinition } from './services';

export type Env = Record<string, string | undefined>;

export const DEFAULTS = {
  POSTGRES_URL: 'postgres://postgres:postgres@localhost:5432/postgres',
  REDIS_URL: 'redis://localhost:6379',
  AMQP_URL: 'amqp://guest:guest@localhost:5672',
  NODE_ENV: 'development',
} as const;

/** Parses KEY=VALUE lines: `#` comments, blank lines, optional `export `, optional quotes. */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    values[match[1]] = value;
  }
  return values;
}

/** Loads `file` into `env` without overriding what is set; returns the keys it set. */
export function loadDotenv(file: string, env: Env = process.env): string[] {
  if (!existsSync(file)) return [];
  const applied: string[] = [];
  for (const [key, value] of Object.entries(parseDotenv(readFileSync(file, 'utf8')))) {
    if (env[key] === undefined) {
      env[key] = value;
      applied.push(key);
    }
  }
  return applied;
}

/** POSTGRES_URL with its database path replaced by `database` (credentials and query kept). */
export function databaseUrlFor(postgresUrl: string, database: string): string {
  let url: URL;
  try {
    url = new URL(postgresUrl);
  } catch {
    throw new Error('POSTGRES_URL is not a valid URL');
  }
  url.pathname = `/${database}`;
  return url.toString();
}

function parsePort(value: string, variable: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new Error(`${variable} must be a TCP port (1-65535), got "${value}"`);
  }
  return port;
}

const DATABASE_VARIABLES = ['DATABASE_URL', 'DATABASE_MIGRATIONS_URL', 'DATABASE_SYSTEM_URL'] as const;

/**
 * A service's three connections. Set by hand (`<NAME>_DATABASE_URL`, `_MIGRATIONS_URL`,
 * `_SYSTEM_URL`: unset ones default to DATABASE_URL in the service), else derived from POSTGRES_URL:
 * queries as `<db>_app` (NOBYPASSRLS, so row-level security applies), migrations as POSTGRES_URL's
 * role (the tables' owner), cross-tenant work as `<db>_system` (BYPASSRLS). Both roles are created,
 * without password (local trust), by scripts/db/create-databases.ts before the launcher runs.
 */
function databaseEnvFor(database: string, prefix: string, env: Env): Env {
  const own = env[`${prefix}_DATABASE_URL`];
  if (own) {
    const result: Env = { DATABASE_URL: own };
    for (const suffix of ['MIGRATIONS_URL', 'SYSTEM_URL'] as const) {
      const value = env[`${prefix}_DATABASE_${suffix}`];
      if (value) result[`DATABASE_${suffix}`] = value;
    }
    return result;
  }
  const admin = databaseUrlFor(env.POSTGRES_URL || DEFAULTS.POSTGRES_URL, database);
  const roles = serviceRoleNames(database);
  return {
    DATABASE_URL: urlForRole(admin, { name: roles.app }),
    DATABASE_MIGRATIONS_URL: admin,
    DATABASE_SYSTEM_URL: urlForRole(admin, { name: roles.system }),
  };
}

export interface ResolvedService {
  readonly name: string;
  readonly port: number;
  readonly host: string;
  readonly database?: string;
  /** Port serving the detailed /health/ready (the gateway's internal port, else `port`). */
  readonly readinessPort: number;
  readonly env: Env;
}

/** The environment a service is started with: the launcher's plus its own variables. */
export function resolveService(service: ServiceDefinition, env: Env): ResolvedService {
  const prefix = envPrefix(service.name);
  const portValue = env[service.portVariable];
  const port = portValue ? parsePort(portValue, service.portVariable) : service.defaultPort;
  // Only the gateway is meant to be reached from outside; the others serve health/metrics locally.
  const host =
    env[`${prefix}_HTTP_HOST`] || env.HTTP_HOST || (service.name === 'gateway' ? '0.0.0.0' : '127.0.0.1');

  const childEnv: Env = {
    ...env,
    NODE_ENV: env.NODE_ENV || DEFAULTS.NODE_ENV,
    HTTP_PORT: String(port),
    HTTP_HOST: host,
    REDIS_URL: env.REDIS_URL || DEFAULTS.REDIS_URL,
    AMQP_URL: env.AMQP_URL || DEFAULTS.AMQP_URL,
  };
  let readinessPort = port;
  if (service.internalPort) {
    const { variable, defaultPort } = service.internalPort;
    const value = env[variable];
    readinessPort = value ? parsePort(value, variable) : defaultPort;
    childEnv[variable] = String(readinessPort);
  }
  if (service.name === 'gateway') Object.assign(childEnv, internalUrlsFor(env));
  for (const variable of DATABASE_VARIABLES) delete childEnv[variable];
  if (service.database) Object.assign(childEnv, databaseEnvFor(service.database, prefix, env));
  return { name: service.name, port, host, database: service.database, readinessPort, env: childEnv };
}

/**
 * The launcher's env with one EDGE_PRINCIPAL_SECRET for this launch (unless set): the gateway signs
 * `x-platform-principal` with it and every service verifies with it (ADR 0007), so all children
 * must get the same value. A new one each launch: nothing signed outlives a run anyway (≤ 60 s).
 */
export function withLaunchSecrets(env: Env, random = () => randomBytes(32).toString('base64url')): Env {
  return env.EDGE_PRINCIPAL_SECRET ? env : { ...env, EDGE_PRINCIPAL_SECRET: random() };
}

/** `<NAME>_INTERNAL_URL` of every backend, from the ports the launcher gives them (set ones win). */
function internalUrlsFor(env: Env): Env {
  const urls: Env = {};
  for (const backend of SERVICES) {
    if (backend.name === 'gateway') continue;
    const variable = `${envPrefix(backend.name)}_INTERNAL_URL`;
    const portValue = env[backend.portVariable];
    const port = portValue ? parsePort(portValue, backend.portVariable) : backend.defaultPort;
    urls[variable] = env[variable] || `http://127.0.0.1:${port}`;
  }
  return urls;
}
