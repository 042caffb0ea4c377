import { AdaptiveLimits, type AdaptiveRule } from './adaptive-limits';

describe('adaptive limits', () => {
  const rule: AdaptiveRule = {
    windowSeconds: 10,
    minRequests: 10,
    errorRateThreshold: 0.25,
    latencyP95ThresholdMs: 1000,
    minDistinctCallers: 3,
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
  /** Calls spread round-robin over `callers` distinct callers (organizations or IPs). */
  const record = (n: number, service: string, ms: number, failed: boolean, callers = 3) => {
    for (let i = 0; i < n; i++) limits.record(service, ms, failed, `caller-${i % callers}`);
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

  it('leaves a service never recorded at factor 1', () => {
    expect(limits.factorFor('never-called')).toBe(1);
    expect(limits.isDegraded('never-called')).toBe(false);
  });

  it('judges the failure rate strictly: exactly at the threshold is healthy, one more failure is not', () => {
    record(15, 'auth', 20, false);
    record(5, 'auth', 20, true); // 5 / 20 = 25 %, not over 25 %
    expect(limits.isDegraded('auth')).toBe(false);

    record(1, 'auth', 20, true); // 6 / 21 ≈ 28.6 %
    expect(limits.isDegraded('auth')).toBe(true);
  });

  it('judges from exactly minRequests calls on', () => {
    record(9, 'auth', 20, true);
    expect(limits.isDegraded('auth')).toBe(false);
    record(1, 'auth', 20, true);
    expect(limits.isDegraded('auth')).toBe(true);
  });

  it('ignores failures, however many, when they come from fewer than minDistinctCallers callers', () => {
    record(100, 'auth', 20, false, 10);
    for (let i = 0; i < 200; i++) limits.record('auth', 20, true, 'mallory');
    for (let i = 0; i < 200; i++) limits.record('auth', 20, true, 'mallory-too');
    expect(limits.isDegraded('auth')).toBe(false);
    expect(limits.factorFor('auth')).toBe(1);

    limits.record('auth', 20, true, 'a-third-caller');
    expect(limits.isDegraded('auth')).toBe(true);
  });

  it('ignores slow calls made by fewer than minDistinctCallers callers', () => {
    record(90, 'auth', 20, false, 10);
    for (let i = 0; i < 50; i++) limits.record('auth', 4000, false, 'heavy-report-user');
    for (let i = 0; i < 50; i++) limits.record('auth', 4000, false, 'another-heavy-user');
    expect(limits.isDegraded('auth')).toBe(false);

    limits.record('auth', 4000, false, 'third-heavy-user');
    expect(limits.isDegraded('auth')).toBe(true);
  });

  it('forgets distinct failing callers once their seconds slide out of the window', () => {
    record(20, 'auth', 20, false, 10);
    limits.record('auth', 20, true, 'a');
    limits.record('auth', 20, true, 'b');
    record(10, 'auth', 20, true, 1); // many failures, all from one caller
    expect(limits.isDegraded('auth')).toBe(true); // a, b and caller-0 failed in the window

    now += 10_000; // a and b are out of the window
    record(20, 'auth', 20, false, 10);
    record(20, 'auth', 20, true, 1);
    expect(limits.isDegraded('auth')).toBe(false);
  });
});
