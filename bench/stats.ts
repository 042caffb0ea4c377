/** Latency percentiles and throughput from a list of per-operation durations. */
export function summarize(durationsMs: number[], elapsedMs: number) {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    ops: sorted.length,
    perSecond: Math.round((sorted.length / elapsedMs) * 1000),
    p50: at(0.5),
    p99: at(0.99),
  };
}

/** Runs `operation` `total` times with at most `inFlight` at once; returns each one's duration. */
export async function runConcurrently(
  total: number,
  inFlight: number,
  operation: () => Promise<unknown>,
): Promise<{ durationsMs: number[]; elapsedMs: number }> {
  const durationsMs: number[] = [];
  let started = 0;
  const begin = performance.now();
  const worker = async () => {
    while (started < total) {
      started++;
      const t0 = performance.now();
      await operation();
      durationsMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { durationsMs, elapsedMs: performance.now() - begin };
}

export const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
