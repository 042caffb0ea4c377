import { z } from 'zod';
import { BACKEND_SERVICES, type BackendServiceName } from '@platform/contracts';
import {
  baseEnvShape,
  edgePrincipalEnvShape,
  redisEnvShape,
  requireEdgePrincipalSecretInProduction,
  urlWithProtocol,
} from '@platform/config';

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);
const ratio = z.coerce.number().gt(0).lte(1);
const failMode = z.enum(['open', 'closed']);

/** `a, b ,c` → `['a','b','c']`; empty → `[]`. */
const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** Default internal port of each backend: the launcher's HTTP ports (docs/ARCHITECTURE.md). */
export const DEFAULT_INTERNAL_PORTS = {
  auth: 3101,
  payments: 3102,
  recordings: 3103,
  voice: 3104,
  storage: 3105,
  'audio-worker': 3106,
  campaigns: 3107,
  analytics: 3108,
} as const satisfies Record<BackendServiceName, number>;

/** `audio-worker` → `AUDIO_WORKER_INTERNAL_URL`. */
export function internalUrlVariable(service: BackendServiceName): `${string}_INTERNAL_URL` {
  return `${service.toUpperCase().replace(/-/g, '_')}_INTERNAL_URL`;
}

function internalUrlShape() {
  const shape: Record<string, z.ZodDefault<ReturnType<typeof urlWithProtocol>>> = {};
  for (const service of BACKEND_SERVICES) {
    shape[internalUrlVariable(service)] = urlWithProtocol('http', 'https').default(
      `http://127.0.0.1:${DEFAULT_INTERNAL_PORTS[service]}`,
    );
  }
  return shape as Record<`${Uppercase<string>}_INTERNAL_URL`, z.ZodDefault<ReturnType<typeof urlWithProtocol>>>;
}

/** The gateway has no database: Redis (limits, cache, denylist) and RabbitMQ only. */
export const gatewayEnvSchema = z.object({
  ...baseEnvShape,
  ...redisEnvShape,
  /** Signs `x-platform-principal` for stream routes (ADR 0007); the services verify it. */
  ...edgePrincipalEnvShape,
  HTTP_PORT: baseEnvShape.HTTP_PORT.default(3000),
  /** Internal port: detailed `/health/ready` and `/metrics` (the public port keeps `/health/live`). */
  GATEWAY_INTERNAL_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  /** Address of the internal port: loopback unless probes / Prometheus come from elsewhere (0.0.0.0 in Kubernetes). */
  GATEWAY_INTERNAL_HOST: z.string().default('127.0.0.1'),
  /** Budget of each backend's health ping in `/health/services`. */
  READINESS_PING_TIMEOUT_MS: positiveInt.default(1500),

  // --- Access tokens (must match the auth service) ---
  JWT_ISSUER: z.string().min(1).default('http://localhost:3000'),
  JWT_AUDIENCE: z.string().min(1).default('platform-api'),
  /** Leeway for clock drift between auth and gateway when checking exp/iat/nbf. */
  JWT_CLOCK_TOLERANCE_SECONDS: nonNegativeInt.default(5),
  /** The JWKS is re-fetched in the background once this old (a retired key disappears by then). */
  JWKS_CACHE_TTL_SECONDS: positiveInt.default(300),
  /** An unknown `kid` triggers a JWKS re-fetch at most this often (random kids cannot flood auth). */
  JWKS_REFRESH_MIN_INTERVAL_MS: positiveInt.default(5000),
  /**
   * Access tokens kept as verified (signature and claims; until their own expiry, while their signing
   * key is unchanged) so a client's next requests skip the RSA check; 0 turns the cache off. The
   * denylist is checked on every request regardless. ~1 KB per entry.
   */
  JWT_VERIFIED_CACHE_MAX_ENTRIES: nonNegativeInt.default(10_000),
  /** Redis down while checking the denylist: `closed` refuses (503), `open` skips the check. */
  REVOCATION_FAIL_MODE: failMode.default('closed'),
  /**
   * How long a resolved `x-api-key` / `x-organization-code` is cached: the bound on a revoked key when
   * every replica missed its `auth.api-key.revoked` event and auth's revocation marker was lost too.
   */
  CREDENTIAL_CACHE_TTL_SECONDS: positiveInt.default(30),
  /** API-key / organization-code look-ups that miss the cache (each costs an RPC), per client IP per minute. */
  CREDENTIAL_LOOKUPS_PER_MINUTE: positiveInt.default(120),

  // --- HTTP edge ---
  /** Origins allowed by CORS, comma-separated (`*` = any origin; empty = no cross-origin access). */
  CORS_ORIGINS: commaList,
  /** Reverse proxies in front of the gateway that append to X-Forwarded-For (0: use the socket address). */
  TRUSTED_PROXY_HOPS: nonNegativeInt.default(0),
  /** Namespace of every Redis key the gateway owns (rate limits, credential cache). */
  GATEWAY_REDIS_KEY_PREFIX: z.string().default('gateway:'),

  // --- Throttling ---
  /** Redis unreachable while throttling: `open` lets requests through, `closed` answers 503. */
  RATE_LIMIT_FAIL_MODE: failMode.default('open'),
  /** A throttle check slower than this counts as Redis being down. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: positiveInt.default(250),
  /** Multiplies every plan's requestsPerMinute (operators' global knob; 1 = the plans as sold). */
  RATE_LIMIT_PLAN_SCALE: z.coerce.number().positive().default(1),
  /** How often admitted requests are published to metering, per organization, as one batch event. */
  USAGE_FLUSH_MS: positiveInt.default(5000),
  /** Per-endpoint sliding windows (per principal, or per IP on public routes), requests per minute. */
  RATE_LIMIT_READ_PER_MINUTE: positiveInt.default(600),
  RATE_LIMIT_WRITE_PER_MINUTE: positiveInt.default(120),
  RATE_LIMIT_SENSITIVE_PER_MINUTE: positiveInt.default(20),
  RATE_LIMIT_PUBLIC_PER_MINUTE: positiveInt.default(60),
  RATE_LIMIT_CREDENTIAL_PER_MINUTE: positiveInt.default(20),
  // --- Login guard (see docs/SECURITY.md "Login brute force"): delays, never a lockout ---
  /** Password attempts all strangers together get per account before each further one waits. */
  LOGIN_FREE_ATTEMPTS_PER_ACCOUNT: positiveInt.default(10),
  /** Password attempts one client (an address, or a known device) gets per account before waiting. */
  LOGIN_FREE_ATTEMPTS_PER_CLIENT: positiveInt.default(5),
  /** The first wait past a free budget; each further attempt doubles it, up to LOGIN_DELAY_MAX_SECONDS. */
  LOGIN_DELAY_BASE_SECONDS: positiveInt.default(30),
  LOGIN_DELAY_MAX_SECONDS: positiveInt.default(900),
  /** A budget with no attempt for this long after its delay ended forgets its attempts. */
  LOGIN_ATTEMPT_WINDOW_SECONDS: positiveInt.default(900),
  /** How long a device token, or an address, stays known to an account after its last sign-in. */
  LOGIN_KNOWN_CLIENT_TTL_SECONDS: positiveInt.default(90 * 24 * 3600),

  // --- Adaptive limits (see docs/SECURITY.md "Adaptive throttling") ---
  ADAPTIVE_WINDOW_SECONDS: positiveInt.default(30),
  ADAPTIVE_MIN_REQUESTS: positiveInt.default(20),
  ADAPTIVE_ERROR_RATE_THRESHOLD: ratio.default(0.25),
  ADAPTIVE_LATENCY_P95_THRESHOLD_MS: positiveInt.default(2000),
  /** Failures / slow calls shrink limits only when this many distinct callers (orgs or IPs) saw them. */
  ADAPTIVE_MIN_DISTINCT_CALLERS: positiveInt.default(3),
  ADAPTIVE_LIMIT_FACTOR: ratio.default(0.5),

  // --- Partial failure: a circuit breaker and a bulkhead per backend service (docs/ARCHITECTURE.md) ---
  /** A service's breaker opens after this many unanswered calls in a row (timeouts, no route)... */
  GATEWAY_BREAKER_CONSECUTIVE_FAILURES: positiveInt.default(5),
  /** ...or when this share of its calls in the window failed... */
  GATEWAY_BREAKER_FAILURE_RATE: ratio.default(0.5),
  /** ...once the window holds at least this many calls. */
  GATEWAY_BREAKER_MIN_REQUESTS: positiveInt.default(20),
  GATEWAY_BREAKER_WINDOW_SECONDS: positiveInt.default(30),
  /** An open breaker answers 503 this long, then lets one probe request through. */
  GATEWAY_BREAKER_COOLDOWN_SECONDS: positiveInt.default(10),
  /** RPCs in flight per backend service; past it that service's routes answer 503 (Retry-After: 1). */
  GATEWAY_MAX_IN_FLIGHT_PER_SERVICE: positiveInt.default(256),

  // --- Webhook and stream routes: the backends' internal HTTP ports (ADR 0007) ---
  /** Where each backend's internal port answers (never exposed publicly; defaults: the launcher's ports). */
  ...internalUrlShape(),
  /** A stream request, or its answer, that moves no byte for this long is aborted (504 if nothing was answered yet). */
  EDGE_STREAM_IDLE_TIMEOUT_MS: positiveInt.default(30_000),
  /** Budget to open the TCP connection to a backend's internal port (then 503 naming the service). */
  EDGE_UPSTREAM_CONNECT_TIMEOUT_MS: positiveInt.default(3000),
  /** Budget of a whole webhook relay: the service stores the event and answers within it, or 504. */
  EDGE_WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),

  // --- WebSocket routes (docs/adr/0008-websocket-edge.md): the same internal URLs (http → ws) ---
  /** How long a `POST /v1/ws-tickets` ticket can be redeemed (single use). */
  WS_TICKET_TTL_SECONDS: positiveInt.default(30),
  /**
   * A gateway renews the lease of each of its open sockets in the per-organization count every third
   * of this; a pod that dies stops renewing, so its sockets stop counting after at most this long.
   */
  WS_CONNECTION_LEASE_SECONDS: positiveInt.default(60),
  /** Bytes queued towards one side above which the gateway stops reading the other side (until drained). */
  WS_BACKPRESSURE_HIGH_WATER_BYTES: positiveInt.default(1024 * 1024),
}).superRefine(requireEdgePrincipalSecretInProduction);
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
