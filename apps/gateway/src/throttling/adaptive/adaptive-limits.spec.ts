import { AdaptiveLimits, type AdaptiveRule } from './adaptive-limits';

describe('adaptive limits', () => {
  const rule: AdaptiveRule = {
    windowSeconds: 10,
    minRequests: 10,
    errorRateThreshold: 0.25,
    latencyP95ThresholdMs: 1000,
    limitFactor: 0.5,
  };
  let now: number;
  let changes: [string, boolean][];
  let limits: AdaptiveLimits;
  beforeEach(() => {
    now = 1_000_000;
    changes = [];
    limits = new AdaptiveLimits(
      rule,
      (service, degraded) => changes.push([service, degraded]),
      () => now,
    );
  });
  const record = (n: number, service: string, ms: number, failed: boolean) => {
    for (let i = 0; i < n; i++) limits.record(service, ms, failed);
  };

  it('leaves a healthy service at factor 1', () => {
    record(100, 'auth', 20, false);
    expect(limits.factorFor('auth')).toBe(1);
  });

  it('never judges on fewer than minRequests calls', () => {
    record(9, 'auth', 20, true);
    expect(limits.isDegraded('auth')).toBe(false);
  });

  it('degrades a service whose failure rate crosses the threshold, and only that service', () => {
    record(7, 'auth', 20, false);
    record(3, 'auth', 20, true); // 30 % > 25 %
    record(50, 'payments', 20, false);

    expect(limits.isDegraded('auth')).toBe(true);
    expect(limits.factorFor('auth')).toBe(0.5);
    expect(limits.factorFor('payments')).toBe(1);
    expect(changes).toEqual([['auth', true]]);
  });

  it('degrades a service whose p95 latency crosses the threshold', () => {
    record(90, 'auth', 20, false);
    record(10, 'auth', 4000, false); // p95 lands in the slow tail
    expect(limits.isDegraded('auth')).toBe(true);
  });

  it('recovers once the bad seconds slide out of the window', () => {
    record(10, 'auth', 20, true);
    expect(limits.isDegraded('auth')).toBe(true);

    now += 5_000;
    record(20, 'auth', 20, false); // 10 failures of 30: still over
    expect(limits.isDegraded('auth')).toBe(true);

    now += 6_000; // the failing second is out of the 10 s window
    expect(limits.isDegraded('auth')).toBe(false);
    expect(changes).toEqual([
      ['auth', true],
      ['auth', false],
    ]);
  });
});
