/**
 * autocannon, typed, and what one measured load says: throughput, latency percentiles, statuses,
 * and the CPU time each watched process spent on it (from /proc, so Linux only; elsewhere omitted).
 */
import { readFileSync } from 'node:fs';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}
/** A running load: a promise of the result that also emits each response. */
interface AutocannonRun extends PromiseLike<AutocannonResult> {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
  ): void;
}
// autocannon ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: AutocannonOptions) => AutocannonRun;

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  headers?: Record<string, string>;
  /** Processes whose CPU time per request is reported, by label. */
  watch?: Record<string, number>;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  /** `200×12345 429×3`: every status seen. */
  statuses: string;
  failures: number;
  /** CPU milliseconds (user + system) per request, by watched process label. */
  cpuMsPerRequest: Record<string, number>;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on every Linux we run on

/** user + system CPU time of a process in ms, or undefined where /proc is not available. */
function cpuTimeMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may contain spaces, hence the last ')').
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export async function measureLoad(options: LoadOptions): Promise<LoadResult> {
  const base = { url: options.url, connections: options.connections, headers: options.headers };
  // Warm-up: JIT, connection pools, caches — not measured.
  if (options.warmupSeconds > 0) await autocannon({ ...base, duration: options.warmupSeconds });
  const watch = Object.entries(options.watch ?? {});
  const before = watch.map(([, pid]) => cpuTimeMs(pid));
  // autocannon's own percentiles are whole milliseconds; each response's time is a float.
  const latencies: number[] = [];
  const run = autocannon({ ...base, duration: options.durationSeconds });
  run.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.push(responseTimeMs));
  const result = await run;
  const after = watch.map(([, pid]) => cpuTimeMs(pid));
  const total = result.requests.total;
  const cpuMsPerRequest: Record<string, number> = {};
  watch.forEach(([label], i) => {
    const [start, end] = [before[i], after[i]];
    if (start !== undefined && end !== undefined && total > 0) cpuMsPerRequest[label] = (end - start) / total;
  });
  return {
    requestsPerSecond: total / (result.duration || options.durationSeconds),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    total,
    statuses: Object.entries(result.statusCodeStats)
      .map(([status, { count }]) => `${status}×${count}`)
      .join(' '),
    failures: result.non2xx + result.errors + result.timeouts,
    cpuMsPerRequest,
  };
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
