import { z } from 'zod';
import { secret } from './secret';

/** A URL with one of the given protocols, e.g. `url('postgres', 'postgresql')`. */
export function urlWithProtocol(...protocols: string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    `must be a URL with protocol ${protocols.map((p) => `${p}://`).join(' or ')}`,
  );
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/** Variables every process of the platform reads. */
export const baseEnvShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SERVICE_VERSION: z.string().default('0.1.0'),
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: port,
  /** Largest HTTP request body accepted (413 problem+json beyond). */
  BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),
  /** Longest time to receive a whole request, headers and body (slow-body attacks): 408 beyond. */
  REQUEST_BODY_TIMEOUT_MS: positiveInt.default(30_000),
  AMQP_URL: secret(urlWithProtocol('amqp', 'amqps').default('amqp://guest:guest@localhost:5672')),
  AMQP_PREFETCH: positiveInt.default(32),
  RPC_TIMEOUT_MS: positiveInt.default(5000),
  EVENT_MAX_ATTEMPTS: positiveInt.default(5),
  EVENT_RETRY_BASE_MS: positiveInt.default(1000),
  OTEL_EXPORTER_OTLP_ENDPOINT: urlWithProtocol('http', 'https').optional(),
  OTEL_TRACES_SAMPLER_RATIO: z.coerce.number().min(0).max(1).default(1),
};

export const redisEnvShape = {
  REDIS_URL: secret(urlWithProtocol('redis', 'rediss').default('redis://localhost:6379')),
};

export const databaseEnvShape = {
  DATABASE_URL: secret(urlWithProtocol('postgres', 'postgresql')),
  /** The migrator (owns the tables, runs the migrations at start). Unset: DATABASE_URL migrates. */
  DATABASE_MIGRATIONS_URL: secret(urlWithProtocol('postgres', 'postgresql').optional()),
  /**
   * The BYPASSRLS role of `runAsSystem`, read by services with tenant tables (their DATABASE_URL is
   * then the NOBYPASSRLS app role). Unset: DATABASE_URL.
   */
  DATABASE_SYSTEM_URL: secret(urlWithProtocol('postgres', 'postgresql').optional()),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  OUTBOX_POLL_MS: positiveInt.default(200),
};

/** HS256 needs a key of at least 256 bits (RFC 7518 §3.2). */
const EDGE_PRINCIPAL_MIN_SECRET_BYTES = 32;

/**
 * The secret the gateway signs `x-platform-principal` with and services verify it with (ADR 0007).
 * Shared by the gateway and every backend; the launcher generates one per launch, tests their own.
 */
export const edgePrincipalEnvShape = {
  EDGE_PRINCIPAL_SECRET: secret(
    z
      .string()
      .refine(
        (value) => Buffer.byteLength(value) >= EDGE_PRINCIPAL_MIN_SECRET_BYTES,
        `must be at least ${EDGE_PRINCIPAL_MIN_SECRET_BYTES} bytes`,
      )
      .optional(),
  ),
};

/**
 * Refinement of every schema that spreads `edgePrincipalEnvShape` (a spread `.shape` loses the
 * refinements of the schema it came from, so extended schemas call this in their own superRefine):
 * production refuses to start without the secret; elsewhere a service only needs it once it serves
 * edge routes (EdgePrincipalModule fails the boot then).
 */
export function requireEdgePrincipalSecretInProduction(
  env: { NODE_ENV: string; EDGE_PRINCIPAL_SECRET?: string },
  ctx: z.RefinementCtx,
): void {
  if (env.NODE_ENV === 'production' && !env.EDGE_PRINCIPAL_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['EDGE_PRINCIPAL_SECRET'],
      message: 'is required when NODE_ENV=production',
    });
  }
}

export const baseEnvSchema = z.object(baseEnvShape);
export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** The env of a backend service with its own database and Redis. */
export const serviceEnvSchema = z
  .object({ ...baseEnvShape, ...redisEnvShape, ...databaseEnvShape, ...edgePrincipalEnvShape })
  .superRefine(requireEdgePrincipalSecretInProduction);
export type ServiceEnv = z.infer<typeof serviceEnvSchema>;
