/** Upper bounds (ms) of the latency histogram each one-second slot keeps; p95 is read from it. */
const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10_000, Infinity];

interface Slot {
  second: number;
  count: number;
  errors: number;
  latency: number[];
  /** Distinct callers with a failed call in this second, at most `callerCap` of them. */
  failingCallers: Set<string>;
  /** Distinct callers with a call slower than `slowMs` in this second, at most `callerCap`. */
  slowCallers: Set<string>;
}

export interface RollingStatsOptions {
  windowSeconds: number;
  /** A call slower than this counts its caller among the slow callers. */
  slowMs: number;
  /** Distinct callers are counted up to this many (all the rule needs to know): constant memory. */
  callerCap: number;
}

export interface StatsSnapshot {
  requests: number;
  errorRate: number;
  /** Upper bound of the histogram bucket holding the 95th percentile (Infinity beyond 10 s). */
  p95Ms: number;
  /** Distinct callers that saw a failure in the window (capped at `callerCap`). */
  failingCallers: number;
  /** Distinct callers that saw a slow call in the window (capped at `callerCap`). */
  slowCallers: number;
}

/**
 * Calls, failures, a coarse latency histogram and the distinct callers behind failures and slow
 * calls over the last `windowSeconds`, in one-second slots reused in a ring: constant memory,
 * O(window) to read, no timers.
 */
export class RollingStats {
  private readonly slots: Slot[];

  constructor(private readonly options: RollingStatsOptions) {
    this.slots = Array.from({ length: options.windowSeconds }, () => ({
      second: -1,
      count: 0,
      errors: 0,
      latency: LATENCY_BOUNDS_MS.map(() => 0),
      failingCallers: new Set<string>(),
      slowCallers: new Set<string>(),
    }));
  }

  record(nowMs: number, durationMs: number, failed: boolean, caller: string): void {
    const second = Math.floor(nowMs / 1000);
    const slot = this.slots[second % this.options.windowSeconds]!;
    if (slot.second !== second) {
      slot.second = second;
      slot.count = 0;
      slot.errors = 0;
      slot.latency.fill(0);
      slot.failingCallers.clear();
      slot.slowCallers.clear();
    }
    slot.count++;
    if (failed) {
      slot.errors++;
      this.addCapped(slot.failingCallers, caller);
    }
    if (durationMs > this.options.slowMs) this.addCapped(slot.slowCallers, caller);
    slot.latency[LATENCY_BOUNDS_MS.findIndex((bound) => durationMs <= bound)]!++;
  }

  snapshot(nowMs: number): StatsSnapshot {
    const oldest = Math.floor(nowMs / 1000) - this.options.windowSeconds + 1;
    let requests = 0;
    let errors = 0;
    const latency = LATENCY_BOUNDS_MS.map(() => 0);
    const failingCallers = new Set<string>();
    const slowCallers = new Set<string>();
    for (const slot of this.slots) {
      if (slot.second < oldest) continue;
      requests += slot.count;
      errors += slot.errors;
      slot.latency.forEach((n, i) => (latency[i]! += n));
      // Each slot keeps up to `callerCap` callers, so the union reaches the cap exactly when the
      // window really holds that many distinct callers.
      for (const caller of slot.failingCallers) this.addCapped(failingCallers, caller);
      for (const caller of slot.slowCallers) this.addCapped(slowCallers, caller);
    }
    return {
      requests,
      errorRate: requests === 0 ? 0 : errors / requests,
      p95Ms: percentile(latency, requests, 0.95),
      failingCallers: failingCallers.size,
      slowCallers: slowCallers.size,
    };
  }

  private addCapped(callers: Set<string>, caller: string): void {
    if (callers.size < this.options.callerCap) callers.add(caller);
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
