/**
 * autocannon, typed, and what one measured load says: throughput, latency percentiles, statuses,
 * and the CPU time each watched process spent on it (from /proc, so Linux only; elsewhere omitted).
 */
import { readdirSync, readFileSync } from 'node:fs';

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
  /**
   * Processes whose CPU time per request is reported, by label: a pid, or a function naming the
   * pids of a group (summed; asked again after the warm-up, e.g. PostgreSQL's backends).
   */
  watch?: Record<string, number | (() => number[])>;
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

/** user + system CPU time in ms of each process that /proc still shows. */
function cpuTimesMs(pids: readonly number[]): Map<number, number> {
  const times = new Map<number, number>();
  for (const pid of pids) {
    const ms = cpuTimeMs(pid);
    if (ms !== undefined) times.set(pid, ms);
  }
  return times;
}

/** CPU ms spent between two readings by the processes present in both (a group's exited member is left out). */
function cpuSpentMs(before: Map<number, number>, after: Map<number, number>): number | undefined {
  let spent: number | undefined;
  for (const [pid, start] of before) {
    const end = after.get(pid);
    if (end !== undefined) spent = (spent ?? 0) + end - start;
  }
  return spent;
}

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
  // Group pids are listed once, after the warm-up, and read again at the end of the cell.
  const watch = Object.entries(options.watch ?? {}).map(
    ([label, pids]) => [label, typeof pids === 'number' ? [pids] : pids()] as const,
  );
  const before = watch.map(([, pids]) => cpuTimesMs(pids));
  // autocannon's own percentiles are whole milliseconds; each response's time is a float.
  const latencies: number[] = [];
  const run = autocannon({ ...base, duration: options.durationSeconds });
  run.on('response', (_client, _status, _bytes, responseTimeMs) => latencies.push(responseTimeMs));
  const result = await run;
  const after = watch.map(([, pids]) => cpuTimesMs(pids));
  const total = result.requests.total;
  const cpuMsPerRequest: Record<string, number> = {};
  watch.forEach(([label], i) => {
    const spent = cpuSpentMs(before[i], after[i]);
    if (spent !== undefined && total > 0) cpuMsPerRequest[label] = spent / total;
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

/** The pids of every process whose command name is `name` (`beam.smp`, `postgres`), from /proc. */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
