/** Upper bounds (ms) of the latency histogram each one-second slot keeps; p95 is read from it. */
const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10_000, Infinity];

interface Slot {
  second: number;
  count: number;
  errors: number;
  latency: number[];
}

export interface StatsSnapshot {
  requests: number;
  errorRate: number;
  /** Upper bound of the histogram bucket holding the 95th percentile (Infinity beyond 10 s). */
  p95Ms: number;
}

/**
 * Calls, failures and a coarse latency histogram over the last `windowSeconds`, in one-second
 * slots reused in a ring: constant memory, O(window) to read, no timers.
 */
export class RollingStats {
  private readonly slots: Slot[];

  constructor(private readonly windowSeconds: number) {
    this.slots = Array.from({ length: windowSeconds }, () => ({
      second: -1,
      count: 0,
      errors: 0,
      latency: LATENCY_BOUNDS_MS.map(() => 0),
    }));
  }

  record(nowMs: number, durationMs: number, failed: boolean): void {
    const second = Math.floor(nowMs / 1000);
    const slot = this.slots[second % this.windowSeconds]!;
    if (slot.second !== second) {
      slot.second = second;
      slot.count = 0;
      slot.errors = 0;
      slot.latency.fill(0);
    }
    slot.count++;
    if (failed) slot.errors++;
    slot.latency[LATENCY_BOUNDS_MS.findIndex((bound) => durationMs <= bound)]!++;
  }

  snapshot(nowMs: number): StatsSnapshot {
    const oldest = Math.floor(nowMs / 1000) - this.windowSeconds + 1;
    let requests = 0;
    let errors = 0;
    const latency = LATENCY_BOUNDS_MS.map(() => 0);
    for (const slot of this.slots) {
      if (slot.second < oldest) continue;
      requests += slot.count;
      errors += slot.errors;
      slot.latency.forEach((n, i) => (latency[i]! += n));
    }
    return {
      requests,
      errorRate: requests === 0 ? 0 : errors / requests,
      p95Ms: percentile(latency, requests, 0.95),
    };
  }
}

function percentile(histogram: number[], total: number, q: number): number {
  if (total === 0) return 0;
  const rank = Math.ceil(total * q);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= rank) return LATENCY_BOUNDS_MS[i]!;
  }
  return Infinity;
}
