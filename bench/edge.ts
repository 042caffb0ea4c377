/**
 * The edge benchmark: one run on this machine, one table. It starts what it measures itself (a bare
 * Fastify server, the auth service, the gateway — each its own `node` process, on real PostgreSQL,
 * Redis and RabbitMQ on localhost, in a private database, key prefix and vhost) and removes it all.
 *
 *   npm run bench:edge
 *
 * Scenarios, each at 1 and at 64 connections, comparisons measured back to back:
 *   bare     a bare Fastify server, GET /health/live → {"status":"ok"}
 *   live     the gateway, GET /health/live (same JSON): the gateway's HTTP stack      (vs bare)
 *   http     auth's profile handler over plain HTTP on auth's own port (bench-only route)
 *   rpc      GET /v1/auth/profile through the gateway → RabbitMQ → auth, edge checks off (vs http)
 *   jwt      the same, JWT verified (signature, claims, denylist in Redis)               (vs rpc)
 *   full     the same, JWT verified and rate limited (Lua check in Redis): the real route (vs rpc)
 * "Edge checks off" is a switch of the benchmark's gateway process only (bench/edge/gateway.process.ts).
 * Also printed: CPU time per request of the gateway and auth processes, and of the RabbitMQ and
 * PostgreSQL servers (all their processes on this machine: shared with whatever else uses them).
 *
 * Env: BENCH_DURATION_SECONDS (5), BENCH_WARMUP_SECONDS (2), BENCH_ROUNDS (1; medians over rounds),
 * BENCH_CONNECTIONS (1,64), BENCH_SCENARIOS (all; e.g. "full" for profiling),
 * BENCH_CPU_PROF (process names to run with --cpu-prof, e.g. "gateway,auth"; profiles go to
 * bench/.profiles/), BENCH_LOG_LEVEL (info, the services' default), BENCH_TRACE (set: the gateway and
 * auth record timestamps of their socket reads/writes and of the RPC path's steps, written to
 * bench/.traces/ on exit; `npx tsx bench/edge/analyze-traces.ts [skipSeconds]` prints the median
 * timeline of one request — meant for one 1-connection cell, e.g. BENCH_SCENARIOS=rpc
 * BENCH_CONNECTIONS=1).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { accessTokenClaimsSchema, principalFromClaims, type Principal } from '@platform/contracts';
import { measureLoad, pidsNamed, type LoadResult } from './edge/load';
import { BenchPlatform, type BenchProcess } from './edge/processes';

const DURATION = Number(process.env.BENCH_DURATION_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,64').split(',').map(Number);
const ONLY = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim());
const PROFILE = process.env.BENCH_CPU_PROF?.split(',').map((s) => s.trim()) ?? [];

type ScenarioId = 'bare' | 'live' | 'http' | 'rpc' | 'jwt' | 'full';

interface Scenario {
  id: ScenarioId;
  label: string;
  /** The scenario this one is compared with (ratio of throughput, difference of p99). */
  versus?: ScenarioId;
  target: () => { url: string; headers?: Record<string, string> };
  /** The gateway's edge checks during this scenario. */
  checks?: { jwt: boolean; limiter: boolean };
}

interface Platform {
  bare: BenchProcess;
  gateway: BenchProcess;
  auth: BenchProcess;
  token: string;
  principal: Principal;
}

function scenarios(p: Platform): Scenario[] {
  const bearer = { authorization: `Bearer ${p.token}` };
  return [
    {
      id: 'bare',
      label: 'bare Fastify  GET /health/live',
      target: () => ({ url: `${p.bare.url}/health/live` }),
    },
    {
      id: 'live',
      label: 'gateway       GET /health/live',
      versus: 'bare',
      target: () => ({ url: `${p.gateway.url}/health/live` }),
    },
    {
      id: 'http',
      label: 'auth over HTTP  profile handler',
      target: () => ({
        url: `${p.auth.url}/bench/profile`,
        headers: {
          'x-bench-user-id': p.principal.userId!,
          'x-bench-organization-id': p.principal.organizationId!,
        },
      }),
    },
    {
      id: 'rpc',
      label: 'gateway→RabbitMQ→auth  profile, no JWT/limiter',
      versus: 'http',
      checks: { jwt: false, limiter: false },
      target: () => ({ url: `${p.gateway.url}/v1/auth/profile`, headers: bearer }),
    },
    {
      id: 'jwt',
      label: '  + JWT verified (denylist)',
      versus: 'rpc',
      checks: { jwt: true, limiter: false },
      target: () => ({ url: `${p.gateway.url}/v1/auth/profile`, headers: bearer }),
    },
    {
      id: 'full',
      label: '  + JWT + limiter (the real route)',
      versus: 'rpc',
      checks: { jwt: true, limiter: true },
      target: () => ({ url: `${p.gateway.url}/v1/auth/profile`, headers: bearer }),
    },
  ];
}

/** A fresh user and organization, registered and signed in through the gateway like any client. */
async function signIn(gatewayUrl: string): Promise<string> {
  const credentials = {
    email: `bench-${randomUUID().slice(0, 8)}@example.com`,
    password: 'benchmark passphrase 1',
  };
  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${gatewayUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { tokens?: { accessToken: string } } };
  };
  const registered = await post('/v1/auth/register', {
    ...credentials,
    name: 'Bench',
    organizationName: 'Bench org',
  });
  if (registered.status !== 202)
    throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  const login = await post('/v1/auth/login', credentials);
  if (login.status !== 200 || !login.body.tokens)
    throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  return login.body.tokens.accessToken;
}

async function startPlatform(bench: BenchPlatform): Promise<Platform> {
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
  await bench.prepare({ LOG_LEVEL: logLevel });
  const [bare, auth] = await Promise.all([bench.bareFastify(), bench.auth()]);
  const gateway = await bench.gateway({
    GATEWAY_REDIS_KEY_PREFIX: `${bench.redisKeyPrefix}gateway:`,
    // The limits run on every request, far above the load (one user makes every request).
    RATE_LIMIT_PLAN_SCALE: '1000000',
    RATE_LIMIT_READ_PER_MINUTE: '100000000',
    // A loaded machine can stall Redis replies past the 250 ms default; failing open would skip the
    // limiter and flatter the "limiter on" figures.
    RATE_LIMIT_REDIS_TIMEOUT_MS: '5000',
  });
  const token = await signIn(gateway.url);
  const principal = principalFromClaims(accessTokenClaimsSchema.parse(decodeJwt(token)));
  await gateway.tell({ type: 'principal', principal });
  return { bare, gateway, auth, token, principal };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function combine(results: LoadResult[]): LoadResult {
  if (results.length === 1) return results[0];
  const labels = Object.keys(results[0].cpuMsPerRequest);
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    total: results.reduce((sum, r) => sum + r.total, 0),
    statuses: results.map((r) => r.statuses).join(' / '),
    failures: results.reduce((sum, r) => sum + r.failures, 0),
    cpuMsPerRequest: Object.fromEntries(
      labels.map((l) => [l, median(results.map((r) => r.cpuMsPerRequest[l] ?? 0))]),
    ),
  };
}

const fmtRate = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;

async function main() {
  const bench = new BenchPlatform({ profileDir: path.join(__dirname, '.profiles'), profile: PROFILE });
  const stop = () => bench.stop();
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    const platform = await startPlatform(bench);
    const all = scenarios(platform).filter((s) => !ONLY || ONLY.includes(s.id));
    const watch = {
      bare: platform.bare.pid,
      gateway: platform.gateway.pid,
      auth: platform.auth.pid,
      // The broker and the database server are shared: whatever else uses them is counted too.
      rabbitmq: () => pidsNamed('beam.smp'),
      postgres: () => pidsNamed('postgres'),
    };
    const results = new Map<string, LoadResult[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const connections of CONNECTIONS) {
        for (const scenario of all) {
          const checks = scenario.checks ?? { jwt: true, limiter: true };
          await platform.gateway.tell({ type: 'edge-checks', ...checks });
          const result = await measureLoad({
            ...scenario.target(),
            connections,
            durationSeconds: DURATION,
            warmupSeconds: WARMUP,
            watch,
          });
          const key = `${scenario.id}@${connections}`;
          results.set(key, [...(results.get(key) ?? []), result]);
          process.stderr.write(
            `  measured ${key} (round ${round + 1}/${ROUNDS}): ${fmtRate(result.requestsPerSecond)} req/s\n`,
          );
        }
      }
    }
    printTable(all, results);
  } finally {
    await stop();
  }
}

function printTable(all: Scenario[], results: Map<string, LoadResult[]>) {
  const header = [
    'scenario',
    'conns',
    'req/s',
    'p50',
    'p99',
    'vs',
    'ratio',
    'Δp99',
    'CPU/req: bare',
    'gateway',
    'auth',
    'rabbitmq',
    'postgres',
    'statuses',
  ];
  const rows: string[][] = [];
  for (const connections of CONNECTIONS) {
    for (const scenario of all) {
      const raw = results.get(`${scenario.id}@${connections}`);
      if (!raw) continue;
      const r = combine(raw);
      const base = scenario.versus && results.get(`${scenario.versus}@${connections}`);
      const b = base ? combine(base) : undefined;
      const cpu = (label: string) =>
        r.cpuMsPerRequest[label] === undefined ? '' : `${r.cpuMsPerRequest[label].toFixed(3)} ms`;
      rows.push([
        scenario.label,
        String(connections),
        fmtRate(r.requestsPerSecond),
        fmtMs(r.p50Ms),
        fmtMs(r.p99Ms),
        b ? scenario.versus! : '',
        b ? `${(r.requestsPerSecond / b.requestsPerSecond).toFixed(2)}×` : '',
        b ? `${r.p99Ms - b.p99Ms >= 0 ? '+' : ''}${(r.p99Ms - b.p99Ms).toFixed(2)} ms` : '',
        cpu('bare'),
        cpu('gateway'),
        cpu('auth'),
        cpu('rabbitmq'),
        cpu('postgres'),
        r.failures > 0 ? `${r.statuses} (${r.failures} failed)` : r.statuses,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(
    `\nEdge benchmark: autocannon, ${DURATION} s per cell after ${WARMUP} s warm-up, ${ROUNDS} round(s)` +
      `${ROUNDS > 1 ? ' (medians)' : ''}, ${new Date().toISOString()}`,
  );
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error((error as Error)?.stack ?? error);
  process.exitCode = 1;
});
