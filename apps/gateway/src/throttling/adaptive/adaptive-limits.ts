import { RollingStats, type StatsSnapshot } from './rolling-stats';

export interface AdaptiveRule {
  windowSeconds: number;
  /** Below this many calls in the window a service is never judged (a single failure is not a trend). */
  minRequests: number;
  errorRateThreshold: number;
  latencyP95ThresholdMs: number;
  /**
   * Failures (or slow calls) count only when at least this many distinct callers (organizations,
   * or client IPs for anonymous calls) saw them in the window: one caller's bad input or heavy
   * requests must not shrink every tenant's limits; a service that is really failing or saturated
   * fails for everyone.
   */
  minDistinctCallers: number;
  /** Limits of a degraded service's routes are multiplied by this (0 < factor ≤ 1). */
  limitFactor: number;
}

export type AdaptiveChange = (service: string, degraded: boolean, stats: StatsSnapshot) => void;

/**
 * The adaptive rule (docs/SECURITY.md, "Adaptive throttling"): over a rolling window, a backend
 * service with at least `minRequests` calls whose failure rate (5xx-class outcomes: internal
 * errors, timeouts, no route, unavailable) exceeds `errorRateThreshold`, or whose p95 latency
 * exceeds `latencyP95ThresholdMs`, is degraded: its routes' limits are multiplied by `limitFactor` —
 * but only when those failures (or slow calls) come from at least `minDistinctCallers` distinct
 * callers, so that a single client provoking errors cannot halve every tenant's limits.
 * It recovers as soon as the window's figures are back under both thresholds — the window length is
 * the hysteresis, since bad seconds take that long to slide out.
 */
export class AdaptiveLimits {
  private readonly stats = new Map<string, RollingStats>();
  private readonly degraded = new Set<string>();
  private readonly evaluatedAt = new Map<string, number>();

  constructor(
    private readonly rule: AdaptiveRule,
    private readonly onChange: AdaptiveChange = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** `caller`: who made the call (organization id, or `ip:<address>` for anonymous calls). */
  record(service: string, durationMs: number, failed: boolean, caller: string): void {
    let stats = this.stats.get(service);
    if (!stats) {
      stats = new RollingStats({
        windowSeconds: this.rule.windowSeconds,
        slowMs: this.rule.latencyP95ThresholdMs,
        callerCap: this.rule.minDistinctCallers,
      });
      this.stats.set(service, stats);
    }
    stats.record(this.now(), durationMs, failed, caller);
    this.evaluate(service, false);
  }

  /** 1 for a healthy service, `limitFactor` for a degraded one. */
  factorFor(service: string): number {
    this.evaluate(service, false);
    return this.degraded.has(service) ? this.rule.limitFactor : 1;
  }

  isDegraded(service: string): boolean {
    this.evaluate(service, true);
    return this.degraded.has(service);
  }

  /** Re-judges a service at most every 250 ms (reading the window is O(window)). */
  private evaluate(service: string, force: boolean): void {
    const now = this.now();
    if (!force && now - (this.evaluatedAt.get(service) ?? -Infinity) < 250) return;
    this.evaluatedAt.set(service, now);
    const stats = this.stats.get(service)?.snapshot(now);
    if (!stats) return;
    const enoughCallers = (callers: number) => callers >= this.rule.minDistinctCallers;
    const failing = stats.errorRate > this.rule.errorRateThreshold && enoughCallers(stats.failingCallers);
    const slow = stats.p95Ms > this.rule.latencyP95ThresholdMs && enoughCallers(stats.slowCallers);
    const over = stats.requests >= this.rule.minRequests && (failing || slow);
    const was = this.degraded.has(service);
    if (over === was) return;
    if (over) this.degraded.add(service);
    else this.degraded.delete(service);
    this.onChange(service, over, stats);
  }
}
