import {
  CircuitBreaker,
  CircuitOpenError,
  type Admitted,
  type BreakerState,
  type CircuitBreakerOptions,
} from './circuit-breaker';

const OPTIONS: CircuitBreakerOptions = {
  consecutiveFailures: 3,
  failureRate: { ratio: 0.5, minRequests: 10, windowMs: 10_000 }, // buckets of 1 000 ms
  coolDownMs: 5_000,
};

function setup(options: Partial<CircuitBreakerOptions> = {}) {
  let now = 0;
  const changes: [BreakerState, BreakerState][] = [];
  const breaker = new CircuitBreaker(
    'recordings',
    { ...OPTIONS, ...options },
    () => now,
    (from, to) => changes.push([from, to]),
  );
  const call = (failed: boolean) => {
    const admission = breaker.tryAcquire();
    if (!admission.admitted) throw new Error('refused');
    breaker.record(admission, failed);
  };
  return {
    breaker,
    changes,
    call,
    at: (ms: number) => {
      now = ms;
    },
  };
}

describe('CircuitBreaker', () => {
  it('stays closed after 2 consecutive failures and opens on the 3rd', () => {
    const { breaker, call, changes } = setup();
    call(true);
    call(true);
    expect(breaker.state).toBe('closed');
    call(true);
    expect(breaker.state).toBe('open');
    expect(changes).toEqual([['closed', 'open']]);
  });

  it('a success between failures restarts the consecutive count', () => {
    const { breaker, call } = setup();
    call(true);
    call(true);
    call(false);
    call(true);
    call(true);
    expect(breaker.state).toBe('closed');
  });

  it('failure rate: 4 of 9 calls is below min requests; 5 failures of 10 (0.5) opens, 4 of 10 does not', () => {
    const rate = setup({ consecutiveFailures: 100 });
    // Alternate so no run of failures trips the consecutive rule: S F S F ...
    for (let i = 0; i < 9; i++) rate.call(i % 2 === 1);
    expect(rate.breaker.state).toBe('closed'); // 9 calls < 10 minimum, 4 failures
    rate.call(true); // 10 calls, 5 failures = 0.5
    expect(rate.breaker.state).toBe('open');

    const below = setup({ consecutiveFailures: 100 });
    for (let i = 0; i < 6; i++) below.call(false);
    for (let i = 0; i < 4; i++) below.call(true); // 10 calls, 4 failures = 0.4
    expect(below.breaker.state).toBe('closed');
  });

  it('failures older than the window no longer count: at t=0 they count up to 9 999 ms, not at 10 000 ms', () => {
    const inside = setup({ consecutiveFailures: 100 });
    for (let i = 0; i < 5; i++) inside.call(true);
    inside.at(9_999);
    for (let i = 0; i < 5; i++) inside.call(false);
    // 5 of 10 failed in the window, but the rate is judged when a failure is recorded
    expect(inside.breaker.state).toBe('closed');
    inside.call(true); // 11 calls, 6 failures
    expect(inside.breaker.state).toBe('open');

    const outside = setup({ consecutiveFailures: 100 });
    for (let i = 0; i < 5; i++) outside.call(true);
    outside.at(10_000);
    for (let i = 0; i < 5; i++) outside.call(false);
    outside.call(true); // window: 6 calls, 1 failure
    expect(outside.breaker.state).toBe('closed');
  });

  it('open: refuses with the seconds left of the cool-down (5 s at once, 1 s with 1 ms left), half-open at 5 000 ms', () => {
    const { breaker, call, at } = setup();
    at(1_000);
    call(true);
    call(true);
    call(true);
    expect(breaker.tryAcquire()).toEqual({ admitted: false, retryAfterMs: 5_000, retryAfterSeconds: 5 });
    at(4_999);
    expect(breaker.tryAcquire()).toEqual({ admitted: false, retryAfterMs: 1_001, retryAfterSeconds: 2 });
    at(5_001);
    expect(breaker.tryAcquire()).toEqual({ admitted: false, retryAfterMs: 999, retryAfterSeconds: 1 });
    at(5_999);
    expect(breaker.tryAcquire()).toEqual({ admitted: false, retryAfterMs: 1, retryAfterSeconds: 1 });
    at(6_000);
    expect(breaker.state).toBe('half-open');
  });

  it('half-open lets exactly one probe through; the others wait 1 s; its success closes the breaker', () => {
    const { breaker, call, at, changes } = setup();
    call(true);
    call(true);
    call(true);
    at(5_000);
    const probe = breaker.tryAcquire();
    expect(probe).toEqual({ admitted: true, probe: true });
    expect(breaker.tryAcquire()).toEqual({ admitted: false, retryAfterMs: 1_000, retryAfterSeconds: 1 });
    breaker.record(probe as Admitted, false);
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toEqual({ admitted: true, probe: false });
    expect(changes).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
    // Closed afresh: 2 failures do not open it again (the old run was forgotten).
    call(true);
    call(true);
    expect(breaker.state).toBe('closed');
  });

  it('a failed probe reopens it for a whole new cool-down', () => {
    const { breaker, call, at } = setup();
    call(true);
    call(true);
    call(true);
    at(5_000);
    breaker.record(breaker.tryAcquire() as Admitted, true);
    expect(breaker.state).toBe('open');
    at(9_999);
    expect(breaker.tryAcquire()).toEqual({ admitted: false, retryAfterMs: 1, retryAfterSeconds: 1 });
    at(10_000);
    expect(breaker.state).toBe('half-open');
  });

  it('outcomes of calls admitted before it opened are ignored (they do not close it or extend the cool-down)', () => {
    const { breaker, call, at } = setup();
    const late = breaker.tryAcquire() as Admitted;
    call(true);
    call(true);
    call(true);
    breaker.record(late, false);
    expect(breaker.state).toBe('open');
    at(5_000);
    expect(breaker.state).toBe('half-open');
  });
});

describe('CircuitBreaker.release (an outcome that says nothing about the service)', () => {
  it('gives a half-open probe slot back without closing or reopening, and counts nothing while closed', () => {
    let now = 0;
    const breaker = new CircuitBreaker('recordings', OPTIONS, () => now);
    for (let i = 0; i < 2; i++) breaker.record(breaker.tryAcquire() as Admitted, true);
    breaker.release(breaker.tryAcquire() as Admitted);
    breaker.record(breaker.tryAcquire() as Admitted, true); // 3rd failure in a row: released one did not reset
    expect(breaker.state).toBe('open');
    now = 5_000;
    breaker.release(breaker.tryAcquire() as Admitted);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toEqual({ admitted: true, probe: true });
  });
});

describe('CircuitBreaker without a failure-rate rule (consecutive failures only)', () => {
  it('never opens on a rate: 50 of 100 calls failing, never 3 in a row, keeps it closed', () => {
    const breaker = new CircuitBreaker('azul', { consecutiveFailures: 3, coolDownMs: 5_000 }, () => 0);
    for (let i = 0; i < 100; i++) breaker.record(breaker.tryAcquire() as Admitted, i % 2 === 0);
    expect(breaker.state).toBe('closed');
  });
});

describe('CircuitBreaker, state bookkeeping', () => {
  const trip = (call: (failed: boolean) => void) => {
    call(true);
    call(true);
    call(true);
  };

  it('a failure of a call admitted while closed, reported after it opened, does not extend the cool-down', () => {
    const { breaker, call, at, changes } = setup({ consecutiveFailures: 1 });
    const late = breaker.tryAcquire() as Admitted;
    call(true); // opens at t=0 (cool-down 5 000 ms)
    at(3_000);
    breaker.record(late, true);
    at(5_000);
    expect(breaker.state).toBe('half-open');
    expect(changes).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
    ]);
  });

  it('releasing a call admitted while closed does not free the probe slot of a later half-open', () => {
    const { breaker, call, at } = setup();
    const early = breaker.tryAcquire() as Admitted;
    trip(call);
    at(5_000);
    expect(breaker.tryAcquire()).toEqual({ admitted: true, probe: true });
    breaker.release(early);
    expect(breaker.tryAcquire()).toEqual({ admitted: false, retryAfterMs: 1_000, retryAfterSeconds: 1 });
  });

  it('after a probe closes it and it trips again, the next half-open admits a probe again', () => {
    const { breaker, call, at } = setup();
    trip(call);
    at(5_000);
    breaker.record(breaker.tryAcquire() as Admitted, false);
    trip(call);
    at(10_000);
    expect(breaker.tryAcquire()).toEqual({ admitted: true, probe: true });
  });

  it('a fresh breaker admits its first probe after its first cool-down', () => {
    const { breaker, call, at } = setup();
    trip(call);
    at(5_000);
    expect(breaker.tryAcquire()).toEqual({ admitted: true, probe: true });
  });

  it('a probe whose success is reported twice reports one change to closed', () => {
    const { breaker, call, at, changes } = setup();
    trip(call);
    at(5_000);
    const probe = breaker.tryAcquire() as Admitted;
    breaker.record(probe, false);
    breaker.record(probe, false);
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
  });

  it('a slot older than the window is not counted even when its place in the ring was not reused', () => {
    // Buckets of 100 ms; at t=1 150 the window is (1 100 - 1 000, 1 150]: the calls at t=50 are out.
    const { breaker, call, at } = setup({
      consecutiveFailures: 100,
      failureRate: { ratio: 0.5, minRequests: 4, windowMs: 1_000 },
    });
    at(50);
    call(true);
    call(false);
    call(false); // 3 calls < 4: not judged
    at(1_150);
    call(true); // in the window: 1 call, 1 failure (counting t=50 would make 4 calls, 2 failures = 0.5)
    expect(breaker.state).toBe('closed');
  });

  it('closing after a probe forgets the failure-rate window', () => {
    const { breaker, call, at } = setup({
      consecutiveFailures: 100,
      failureRate: { ratio: 0.5, minRequests: 4, windowMs: 10_000 },
    });
    call(false);
    call(true);
    call(false);
    call(true); // 4 calls, 2 failures: opens at t=0
    expect(breaker.state).toBe('open');
    at(5_000);
    breaker.record(breaker.tryAcquire() as Admitted, false);
    // Same window, new judgement: 3 calls since closing, fewer than the 4 the rule needs.
    call(true);
    call(true);
    call(true);
    expect(breaker.state).toBe('closed');
  });
});

describe('CircuitOpenError', () => {
  it('names the dependency and the wait, and says nothing was sent', () => {
    const error = new CircuitOpenError('azul', 1_500);
    expect(error).toMatchObject({ name: 'CircuitOpenError', provider: 'azul', retryAfterMs: 1_500 });
    expect(error.message).toBe('azul circuit is open; nothing was sent (retry in 1500 ms)');
  });
});
