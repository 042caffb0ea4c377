import { AdaptiveLimits, type AdaptiveRule } from './adaptive-limits';
import { RollingStats } from './rolling-stats';

/** The adaptive rule at its thresholds; every figure below is worked out by hand in the comments. */
describe('adaptive limits, at their thresholds', () => {
  const rule: AdaptiveRule = {
    windowSeconds: 10,
    minRequests: 10,
    errorRateThreshold: 0.25,
    latencyP95ThresholdMs: 1000,
    // One caller is enough here: these tests are about the rates and the clock; the distinct-caller
    // rule has its own tests (adaptive-limits.spec.ts).
    minDistinctCallers: 1,
    limitFactor: 0.5,
  };
  let now: number;
  let changes: unknown[][];
  let limits: AdaptiveLimits;
  beforeEach(() => {
    now = 1_000_000;
    changes = [];
    limits = new AdaptiveLimits(
      rule,
      (...change) => changes.push(change),
      () => now,
    );
  });
  const record = (n: number, service: string, ms: number, failed: boolean) => {
    for (let i = 0; i < n; i++) limits.record(service, ms, failed, `caller-${i}`);
  };

  it('keeps a service whose failure rate is between 0 and the threshold healthy', () => {
    record(18, 'auth', 20, false);
    record(2, 'auth', 20, true); // 2 / 20 = 10 % < 25 %
    expect(limits.isDegraded('auth')).toBe(false);
    expect(changes).toEqual([]);
  });

  it('keeps a service exactly at the failure threshold healthy (the rule is "exceeds")', () => {
    record(15, 'auth', 20, false);
    record(5, 'auth', 20, true); // 5 / 20 = 25 %, not over 25 %
    expect(limits.isDegraded('auth')).toBe(false);
  });

  it('judges a service from exactly minRequests calls', () => {
    record(10, 'auth', 20, true);
    expect(limits.isDegraded('auth')).toBe(true);
  });

  it('keeps a service whose p95 is exactly the latency threshold healthy', () => {
    record(20, 'auth', 1000, false); // every call in the ≤ 1000 ms bucket: p95 = 1000, not over
    expect(limits.isDegraded('auth')).toBe(false);
    record(1, 'auth', 1001, false); // 21 calls, the 20th (rank ⌈21 × 0.95⌉) is still 1000 ms
    expect(limits.isDegraded('auth')).toBe(false);
  });

  it('gives factor 1 to a service never recorded, without a state change', () => {
    expect(limits.factorFor('never-called')).toBe(1);
    expect(limits.isDegraded('never-called')).toBe(false);
    expect(changes).toEqual([]);
  });

  it('reports a state change with the window’s figures', () => {
    record(6, 'auth', 20, false);
    record(4, 'auth', 20, true); // 40 %
    expect(limits.isDegraded('auth')).toBe(true);
    expect(changes).toEqual([
      ['auth', true, { requests: 10, errorRate: 0.4, p95Ms: 25, failingCallers: 1, slowCallers: 0 }],
    ]);
  });

  it('re-judges a service at most every 250 ms outside isDegraded', () => {
    // The first call is judged at once (1 call: too few); the nine after it, in the same
    // millisecond, wait for the next judgement.
    record(10, 'auth', 20, true);
    expect(limits.factorFor('auth')).toBe(1);
    now += 249;
    expect(limits.factorFor('auth')).toBe(1);
    now += 1; // 250 ms after the last judgement
    expect(limits.factorFor('auth')).toBe(0.5);
    expect(changes).toHaveLength(1);
  });
});

describe('rolling stats', () => {
  it('reports an empty window as no requests, no failures and p95 0', () => {
    expect(new RollingStats({ windowSeconds: 10, slowMs: 1000, callerCap: 1 }).snapshot(5_000)).toEqual({
      requests: 0,
      errorRate: 0,
      p95Ms: 0,
      failingCallers: 0,
      slowCallers: 0,
    });
  });

  it('reads p95 as the upper bound of the bucket holding the 95th percentile call', () => {
    const stats = new RollingStats({ windowSeconds: 10, slowMs: 1000, callerCap: 1 });
    for (let i = 0; i < 19; i++) stats.record(1_000, 20, false, 'c');
    stats.record(1_000, 4_000, false, 'c');
    // 20 calls: rank ⌈20 × 0.95⌉ = 19, a 20 ms call → bucket ≤ 25 ms.
    expect(stats.snapshot(1_000).p95Ms).toBe(25);
    stats.record(1_000, 4_000, false, 'c');
    stats.record(1_000, 4_000, false, 'c');
    // 22 calls: rank ⌈20.9⌉ = 21, a 4 s call → bucket ≤ 5000 ms.
    expect(stats.snapshot(1_000).p95Ms).toBe(5_000);
  });

  it('puts a call on a bucket bound into that bucket, and calls beyond 10 s at Infinity', () => {
    const exact = new RollingStats({ windowSeconds: 5, slowMs: 1000, callerCap: 1 });
    exact.record(0, 5, false, 'c');
    expect(exact.snapshot(0).p95Ms).toBe(5);
    const slow = new RollingStats({ windowSeconds: 5, slowMs: 1000, callerCap: 1 });
    slow.record(0, 10_001, false, 'c');
    expect(slow.snapshot(0).p95Ms).toBe(Infinity);
    const tenSeconds = new RollingStats({ windowSeconds: 5, slowMs: 1000, callerCap: 1 });
    tenSeconds.record(0, 10_000, false, 'c');
    expect(tenSeconds.snapshot(0).p95Ms).toBe(10_000);
  });

  it('counts a caller as slow only for a call slower than slowMs, not one that takes exactly slowMs', () => {
    const exact = new RollingStats({ windowSeconds: 5, slowMs: 1000, callerCap: 5 });
    exact.record(0, 1_000, false, 'c');
    expect(exact.snapshot(0).slowCallers).toBe(0);
    const slower = new RollingStats({ windowSeconds: 5, slowMs: 1000, callerCap: 5 });
    slower.record(0, 1_001, false, 'c');
    expect(slower.snapshot(0).slowCallers).toBe(1);
  });

  it('keeps a second for exactly windowSeconds, then forgets it', () => {
    const stats = new RollingStats({ windowSeconds: 10, slowMs: 1000, callerCap: 1 });
    stats.record(3_500, 20, true, 'c'); // second 3
    expect(stats.snapshot(12_999)).toMatchObject({ requests: 1, errorRate: 1 }); // seconds 3..12
    expect(stats.snapshot(13_000)).toMatchObject({ requests: 0, errorRate: 0 }); // seconds 4..13
  });

  it('reuses a slot for a new second without carrying the old second’s figures', () => {
    const stats = new RollingStats({ windowSeconds: 2, slowMs: 1000, callerCap: 1 });
    stats.record(0, 20, true, 'c'); // second 0, slot 0
    stats.record(0, 20, true, 'c');
    stats.record(2_000, 20, false, 'c'); // second 2, slot 0 again
    expect(stats.snapshot(2_000)).toEqual({
      requests: 1,
      errorRate: 0,
      p95Ms: 25,
      failingCallers: 0,
      slowCallers: 0,
    });
  });

  it('sums the seconds of the window', () => {
    const stats = new RollingStats({ windowSeconds: 3, slowMs: 1000, callerCap: 1 });
    stats.record(0, 20, true, 'c');
    stats.record(1_000, 20, false, 'c');
    stats.record(2_000, 20, false, 'c');
    stats.record(2_000, 20, true, 'c');
    expect(stats.snapshot(2_000)).toMatchObject({ requests: 4, errorRate: 0.5, p95Ms: 25 });
  });
});
