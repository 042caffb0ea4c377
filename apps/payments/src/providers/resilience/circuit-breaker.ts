export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Opens after this many failures in a row (any success resets the run). */
  consecutiveFailures: number;
  /** Stays open this long, then lets one probe call through (half-open). */
  coolDownMs: number;
}

/** The breaker refused the call: nothing was sent to the provider. */
export class CircuitOpenError extends Error {
  constructor(
    readonly provider: string,
    readonly retryAfterMs: number,
  ) {
    super(`${provider} circuit is open; nothing was sent (retry in ${retryAfterMs} ms)`);
    this.name = 'CircuitOpenError';
  }
}

/**
 * A provider's circuit breaker, small on purpose: consecutive failures open it, a cool-down later one
 * probe decides. Time comes from `now` so tests drive it without sleeping.
 *
 * Why not the gateway's breaker (apps/gateway/src/resilience/circuit-breaker.ts)? It is app code that
 * payments may not import (Nx boundaries) and it carries a rolling failure-rate window tuned for
 * thousands of RPCs a second; a payment provider sees a few calls a minute, where a run of failures
 * is the signal. Both could move to one libs/platform/resilience breaker later (noted for the lead).
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeOut = false;

  constructor(
    readonly provider: string,
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number = Date.now,
    private readonly onChange: (from: CircuitState, to: CircuitState) => void = () => undefined,
  ) {}

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.coolDownMs)
      this.move('half-open');
    return this.current;
  }

  /**
   * Runs `work` unless the breaker is open (then throws CircuitOpenError without calling it).
   * `isFailure` says which errors mean the provider is unwell; others (a decline, a validation error)
   * are the provider answering and count as success.
   */
  async run<T>(work: () => Promise<T>, isFailure: (error: unknown) => boolean): Promise<T> {
    const state = this.state;
    const probe = state === 'half-open';
    if (state === 'open' || (probe && this.probeOut)) {
      const remaining = state === 'open' ? this.openedAt + this.options.coolDownMs - this.now() : 1000;
      throw new CircuitOpenError(this.provider, Math.max(1, remaining));
    }
    if (probe) this.probeOut = true;
    try {
      const result = await work();
      this.succeeded(probe);
      return result;
    } catch (error) {
      if (isFailure(error)) this.failed(probe);
      else this.succeeded(probe);
      throw error;
    }
  }

  private succeeded(probe: boolean): void {
    if (probe) this.probeOut = false;
    this.failures = 0;
    if (this.current !== 'closed') this.move('closed');
  }

  private failed(probe: boolean): void {
    if (probe) {
      this.probeOut = false;
      this.open();
      return;
    }
    if (this.current !== 'closed') return; // a call admitted before the breaker tripped tells nothing new
    this.failures++;
    if (this.failures >= this.options.consecutiveFailures) this.open();
  }

  private open(): void {
    this.openedAt = this.now();
    this.failures = 0;
    this.move('open');
  }

  private move(to: CircuitState): void {
    const from = this.current;
    this.current = to;
    if (from !== to) this.onChange(from, to);
  }
}
