export type BreakerState = 'closed' | 'open' | 'half-open';

/** The failure-rate rule, for callers with enough traffic for a rate to mean something. */
export interface FailureRateRule {
  /** Opens when failures / calls in the rolling window reach this ratio (0 < r ≤ 1)... */
  ratio: number;
  /** ...once the window holds at least this many calls (a few calls prove no rate). */
  minRequests: number;
  /** Length of the rolling window, kept as WINDOW_BUCKETS buckets of windowMs / WINDOW_BUCKETS. */
  windowMs: number;
}

export interface CircuitBreakerOptions {
  /** Opens after this many failures in a row (any success resets the run). */
  consecutiveFailures: number;
  /** Open this long, then one probe call goes through (half-open). */
  coolDownMs: number;
  /**
   * Also open on a failure rate over a rolling window: for thousands of calls a second (the gateway's
   * RPCs), where failures interleave with successes. Without it (a payment provider seeing a few calls
   * a minute) a run of failures is the only signal.
   */
  failureRate?: FailureRateRule;
}

/** A call may go; `probe` marks the one call a half-open breaker lets through. */
export interface Admitted {
  admitted: true;
  probe: boolean;
}
export interface Refused {
  admitted: false;
  /** Until the cool-down ends (open), or 1 s while a probe is out (half-open); at least 1 ms. */
  retryAfterMs: number;
  /** The same in whole seconds, rounded up, at least 1 (for `Retry-After`). */
  retryAfterSeconds: number;
}

/** `run` refused the call: nothing was sent to `name`. */
export class CircuitOpenError extends Error {
  constructor(
    /** The breaker's name: what it protects (a provider, a service). */
    readonly provider: string,
    readonly retryAfterMs: number,
  ) {
    super(`${provider} circuit is open; nothing was sent (retry in ${retryAfterMs} ms)`);
    this.name = 'CircuitOpenError';
  }
}

/**
 * The window is a ring of buckets, not one entry per call: memory stays constant at thousands of
 * calls a second. An outcome therefore leaves the window up to one bucket early.
 */
export const WINDOW_BUCKETS = 10;

interface Bucket {
  /** Which bucket of time this is (floor(t / bucketMs)); a stale index means the slot is empty. */
  index: number;
  calls: number;
  failures: number;
}

/**
 * A circuit breaker around one dependency (a backend service at the gateway, a payment provider),
 * pure: time comes from `now`, so tests drive it without sleeping. closed → open after
 * `consecutiveFailures` failures in a row (or, with `failureRate`, a failure rate over the window);
 * open → half-open once the cool-down has passed, admitting exactly one probe; the probe's success
 * closes it, its failure opens it again for a fresh cool-down. Only outcomes the caller reports as
 * failures of the dependency count: a client error or a decline is the dependency answering, i.e. a
 * success here. A call admitted while closed that ends after the breaker tripped tells nothing new.
 *
 * Two ways to use it: `tryAcquire` + `record`/`release` (the gateway, which answers a refusal itself),
 * or `run`, which throws CircuitOpenError when refused.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private probeOut = false;
  private readonly bucketMs: number;
  private readonly buckets: Bucket[];

  constructor(
    readonly name: string,
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number = Date.now,
    private readonly onChange: (from: BreakerState, to: BreakerState) => void = () => undefined,
  ) {
    this.bucketMs = (options.failureRate?.windowMs ?? 0) / WINDOW_BUCKETS;
    this.buckets = options.failureRate
      ? Array.from({ length: WINDOW_BUCKETS }, () => ({ index: -Infinity, calls: 0, failures: 0 }))
      : [];
  }

  /** The state as of now (an open breaker whose cool-down has passed reads half-open). */
  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.coolDownMs) {
      this.transition('half-open');
    }
    return this.current;
  }

  tryAcquire(): Admitted | Refused {
    switch (this.state) {
      case 'closed':
        return { admitted: true, probe: false };
      case 'open':
        return refused(this.openedAt + this.options.coolDownMs - this.now());
      case 'half-open':
        if (this.probeOut) return refused(1000);
        this.probeOut = true;
        return { admitted: true, probe: true };
    }
  }

  /**
   * An admitted call ended without telling anything about the dependency (e.g. the gateway's own
   * broker connection was down): no count; a probe's slot is given back for the next call.
   */
  release(admitted: Admitted): void {
    if (admitted.probe) this.probeOut = false;
  }

  /** The outcome of an admitted call; `failure` = the dependency failed (not the client). */
  record(admitted: Admitted, failure: boolean): void {
    const state = this.state;
    if (admitted.probe) {
      this.probeOut = false;
      if (failure) this.open();
      else this.transition('closed');
      return;
    }
    if (state !== 'closed') return;
    const bucket = this.bucketNow();
    if (bucket) bucket.calls++;
    if (!failure) {
      this.consecutive = 0;
      return;
    }
    if (bucket) bucket.failures++;
    this.consecutive++;
    if (this.consecutive >= this.options.consecutiveFailures || this.rateTripped()) this.open();
  }

  /**
   * Runs `work` unless the breaker refuses (then throws CircuitOpenError without calling it).
   * `isFailure` says which errors mean the dependency is unwell; any other error counts as success.
   */
  async run<T>(work: () => Promise<T>, isFailure: (error: unknown) => boolean): Promise<T> {
    const admitted = this.tryAcquire();
    if (!admitted.admitted) throw new CircuitOpenError(this.name, admitted.retryAfterMs);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      this.record(admitted, isFailure(error));
      throw error;
    }
    this.record(admitted, false);
    return result;
  }

  private rateTripped(): boolean {
    const rule = this.options.failureRate;
    if (!rule) return false;
    const oldest = Math.floor(this.now() / this.bucketMs) - WINDOW_BUCKETS;
    let calls = 0;
    let failures = 0;
    for (const bucket of this.buckets) {
      if (bucket.index <= oldest) continue;
      calls += bucket.calls;
      failures += bucket.failures;
    }
    return calls >= rule.minRequests && failures / calls >= rule.ratio;
  }

  private bucketNow(): Bucket | undefined {
    if (this.buckets.length === 0) return undefined;
    const index = Math.floor(this.now() / this.bucketMs);
    const bucket = this.buckets[((index % WINDOW_BUCKETS) + WINDOW_BUCKETS) % WINDOW_BUCKETS];
    if (bucket.index !== index) Object.assign(bucket, { index, calls: 0, failures: 0 });
    return bucket;
  }

  private open(): void {
    this.openedAt = this.now();
    this.transition('open');
  }

  private transition(to: BreakerState): void {
    // Every change of state starts counting afresh: a reopened or closed breaker judges new calls only.
    this.consecutive = 0;
    for (const bucket of this.buckets) Object.assign(bucket, { index: -Infinity, calls: 0, failures: 0 });
    // probeOut needs no reset here: only the probe's own outcome (record) or release leaves half-open's slot.
    const from = this.current;
    this.current = to;
    if (from !== to) this.onChange(from, to);
  }
}

function refused(remainingMs: number): Refused {
  const retryAfterMs = Math.max(1, remainingMs);
  return { admitted: false, retryAfterMs, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
}
