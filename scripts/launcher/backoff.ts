/**
 * When to restart a crashed service: exponential backoff with jitter, capped, like a process manager
 * or Kubernetes' CrashLoopBackOff. The first crash is retried soon; a service that keeps crashing is
 * retried at the capped interval forever (it may be waiting for a dependency that comes back), and a
 * service that stayed up for `resetAfterMs` starts again from the first delay.
 */
export interface RestartPolicy {
  /** Delay before the first restart after a crash. */
  readonly initialDelayMs: number;
  /** The cap: no delay is ever longer. */
  readonly maxDelayMs: number;
  /** A service that ran this long before crashing counts as healthy: its backoff starts over. */
  readonly resetAfterMs: number;
  /** Up to this fraction of a delay is taken off at random (0..1), so crashed services spread out. */
  readonly jitterRatio: number;
}

/**
 * The delay before restart number `attempt` (1 = first restart after a stable run):
 * min(max, initial * 2^(attempt-1)), minus up to `jitterRatio` of it, using `random` in [0, 1).
 * Jitter only ever shortens the delay, so the cap holds.
 */
export function restartDelayMs(policy: RestartPolicy, attempt: number, random: () => number): number {
  const exponential = policy.initialDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (1 - policy.jitterRatio * random()));
}

/** Whether `attempt`'s delay has reached the cap (before jitter): the service is crash-looping. */
export function atCap(policy: RestartPolicy, attempt: number): boolean {
  return policy.initialDelayMs * 2 ** Math.max(0, attempt - 1) >= policy.maxDelayMs;
}
