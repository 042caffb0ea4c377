export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Opens after this many service failures in a row (any success resets the run). */
  consecutiveFailures: number;
  /** ...or when failures / calls in the rolling window reach this ratio (0 < r ≤ 1)... */
  failureRate: number;
  /** ...once the window holds at least this many calls (a few calls prove no rate). */
  minRequests: number;
  /** Length of the rolling window, kept as WINDOW_BUCKETS buckets of windowMs / WINDOW_BUCKETS. */
  windowMs: number;
  /** Open this long, then one probe call goes through (half-open). */
  coolDownMs: number;
}

/** A call may go; `probe` marks the one call a half-open breaker lets through. */
export interface Admitted {
  admitted: true;
  probe: boolean;
}
export interface Refused {
  admitted: false;
  /** Until the cool-down ends (open), or 1 s while a probe is out (half-open); at least 1. */
  retryAfterSeconds: number;
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
 * One backend service's circuit breaker, pure (time comes from `now`). closed → open after
 * `consecutiveFailures` failures in a row or a failure rate over the window; open → half-open once
 * the cool-down has passed, admitting exactly one probe; the probe's success closes it, its failure
 * opens it again for a fresh cool-down. Only outcomes the caller reports as service failures count:
 * a client error is the service answering, i.e. a success here.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private probeOut = false;
  private readonly bucketMs: number;
  private readonly buckets: Bucket[];

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number,
    private readonly onChange: (from: BreakerState, to: BreakerState) => void = () => undefined,
  ) {
    this.bucketMs = options.windowMs / WINDOW_BUCKETS;
    this.buckets = Array.from({ length: WINDOW_BUCKETS }, () => ({
      index: -Infinity,
      calls: 0,
      failures: 0,
    }));
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
        return {
          admitted: false,
          retryAfterSeconds: Math.max(
            1,
            Math.ceil((this.openedAt + this.options.coolDownMs - this.now()) / 1000),
          ),
        };
      case 'half-open':
        if (this.probeOut) return { admitted: false, retryAfterSeconds: 1 };
        this.probeOut = true;
        return { admitted: true, probe: true };
    }
  }

  /**
   * An admitted call ended without telling anything about the service (the gateway's own broker
   * connection was down): no count; a probe's slot is given back for the next request.
   */
  release(admitted: Admitted): void {
    if (admitted.probe) this.probeOut = false;
  }

  /** The outcome of an admitted call; `serviceFailure` = the service failed (not the client). */
  record(admitted: Admitted, serviceFailure: boolean): void {
    const state = this.state;
    if (admitted.probe) {
      this.probeOut = false;
      if (serviceFailure) this.open();
      else this.close();
      return;
    }
    // A call let through while closed that ends after the breaker tripped tells nothing new.
    if (state !== 'closed') return;
    const bucket = this.bucketNow();
    bucket.calls++;
    if (!serviceFailure) {
      this.consecutive = 0;
      return;
    }
    bucket.failures++;
    this.consecutive++;
    if (this.consecutive >= this.options.consecutiveFailures || this.rateTripped()) this.open();
  }

  private rateTripped(): boolean {
    const oldest = Math.floor(this.now() / this.bucketMs) - WINDOW_BUCKETS;
    let calls = 0;
    let failures = 0;
    for (const bucket of this.buckets) {
      if (bucket.index <= oldest) continue;
      calls += bucket.calls;
      failures += bucket.failures;
    }
    return calls >= this.options.minRequests && failures / calls >= this.options.failureRate;
  }

  private bucketNow(): Bucket {
    const index = Math.floor(this.now() / this.bucketMs);
    const bucket = this.buckets[((index % WINDOW_BUCKETS) + WINDOW_BUCKETS) % WINDOW_BUCKETS];
    if (bucket.index !== index) Object.assign(bucket, { index, calls: 0, failures: 0 });
    return bucket;
  }

  private open(): void {
    this.openedAt = this.now();
    this.transition('open');
  }

  private close(): void {
    this.transition('closed');
  }

  private transition(to: BreakerState): void {
    // Every change of state starts counting afresh: a reopened or closed breaker judges new calls only.
    this.consecutive = 0;
    for (const bucket of this.buckets) Object.assign(bucket, { index: -Infinity, calls: 0, failures: 0 });
    if (to !== 'half-open') this.probeOut = false;
    const from = this.current;
    this.current = to;
    if (from !== to) this.onChange(from, to);
  }
}
