/**
 * HTTP throughput and latency of the gateway, with autocannon at 64 connections, against a running
 * platform (`npm start`). Prints figures; asserts nothing.
 *
 *   RATE_LIMIT_PLAN_SCALE=1000 RATE_LIMIT_READ_PER_MINUTE=1000000 npm start   # terminal 1
 *   npx tsx bench/gateway.ts                                                  # terminal 2
 *
 * (The limits stay on — every request still runs the Lua check — but far above the load.)
 * `npm run bench:edge` starts its own processes and compares more paths; this one measures a platform
 * already running (e.g. in a staging environment). Both use bench/edge/load.ts.
 *
 * Scenarios:
 *   1. GET /health/live — the HTTP stack alone (Fastify, request id, security headers, metrics).
 *   2. GET /v1/auth/profile with a bearer token — local JWT verification, the Redis denylist (MGET),
 *      the Lua rate-limit check (EVALSHA), the RPC over RabbitMQ to auth, and auth's PostgreSQL read.
 * Env: BENCH_GATEWAY_URL (default http://localhost:$GATEWAY_PORT or 3000), BENCH_DURATION_SECONDS (10),
 * BENCH_CONNECTIONS (64).
 */
import { randomUUID } from 'node:crypto';
import { measureLoad } from './edge/load';

const BASE_URL = process.env.BENCH_GATEWAY_URL || `http://localhost:${process.env.GATEWAY_PORT || 3000}`;
const DURATION = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);

async function ensureReady(): Promise<void> {
  try {
    const response = await fetch(`${BASE_URL}/health/ready`);
    if (response.status !== 200) throw new Error(`/health/ready answered ${response.status}`);
  } catch (error) {
    throw new Error(
      `The platform is not ready at ${BASE_URL} (${(error as Error).message}). Start it with ` +
        '`RATE_LIMIT_PLAN_SCALE=1000 RATE_LIMIT_READ_PER_MINUTE=1000000 npm start` (or set BENCH_GATEWAY_URL).',
    );
  }
}

/** A fresh user and organization, registered through the gateway like any client, then signed in. */
async function accessToken(): Promise<string> {
  const credentials = {
    email: `bench-${randomUUID().slice(0, 8)}@example.com`,
    password: 'benchmark passphrase 1',
  };
  // Registration answers 202 and no tokens (the same answer for a taken address); login gives the pair.
  const registered = await postJson('/v1/auth/register', {
    ...credentials,
    name: 'Bench',
    organizationName: 'Bench org',
  });
  if (registered.status !== 202)
    throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  const login = await postJson('/v1/auth/login', credentials);
  const body = login.body as { tokens?: { accessToken: string } };
  if (login.status !== 200 || !body.tokens)
    throw new Error(`login answered ${login.status}: ${JSON.stringify(body)}`);
  return body.tokens.accessToken;
}

async function postJson(path: string, json: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${BASE_URL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  return { status: response.status, body: await response.json() };
}

async function run(name: string, path: string, headers: Record<string, string> = {}) {
  const result = await measureLoad({
    url: `${BASE_URL}${path}`,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    warmupSeconds: 2,
    headers,
  });
  console.log(
    `${name.padEnd(50)} | ${String(Math.round(result.requestsPerSecond)).padStart(7)} | ` +
      `${`${result.p50Ms.toFixed(2)} ms`.padStart(9)} | ${`${result.p99Ms.toFixed(2)} ms`.padStart(9)} | ${result.statuses}`,
  );
  if (result.failures > 0) {
    console.log(
      `  ! ${result.failures} non-2xx, errors or timeouts` +
        ' (429s mean a limit was reached: raise RATE_LIMIT_PLAN_SCALE and RATE_LIMIT_READ_PER_MINUTE)',
    );
  }
}

async function main() {
  await ensureReady();
  const token = await accessToken();
  console.log(
    `Gateway at ${BASE_URL}: autocannon, ${CONNECTIONS} connections, ${DURATION} s per scenario (after 2 s warm-up)`,
  );
  console.log(
    `${'scenario'.padEnd(50)} | ${'req/s'.padStart(7)} | ${'p50'.padStart(9)} | ${'p99'.padStart(9)} | statuses`,
  );
  await run('GET /health/live', '/health/live');
  await run('GET /v1/auth/profile (JWT, denylist, limit, RPC)', '/v1/auth/profile', {
    authorization: `Bearer ${token}`,
  });
}

main().catch((error: unknown) => {
  console.error((error as Error).message ?? error);
  process.exit(1);
});
