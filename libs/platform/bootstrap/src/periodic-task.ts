import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicRun } from './periodic-run';

/**
 * A Nest provider whose work runs in passes from bootstrap to shutdown (dunning, recurring charges,
 * pruners, sweeps, mail queues): the PeriodicRun wiring written once. A subclass says what one pass
 * does, how often (read at bootstrap; 0 = the task is off) and how a failed pass is reported; the
 * next pass tries again. `runSoon()` asks for a pass now, for work just queued.
 */
export abstract class PeriodicTask implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly periodic = new PeriodicRun(
    () => this.runPass(),
    (error) => this.passFailed(error),
  );
  private started = false;

  /** One pass of the work. */
  protected abstract runPass(): Promise<unknown>;

  /** Milliseconds between passes; 0 or less: never started. */
  protected abstract intervalMs(): number;

  /** A pass failed (logged by the subclass, in its own words); the next one runs as scheduled. */
  protected abstract passFailed(error: unknown): void;

  onApplicationBootstrap(): void {
    const every = this.intervalMs();
    if (every <= 0) return;
    this.started = true;
    this.periodic.start(every);
  }

  /** Waits for a pass in flight: shutdown never cuts one in half. */
  onApplicationShutdown(): Promise<void> {
    return this.periodic.stop();
  }

  /** A pass now (or right after the one in flight); nothing before bootstrap or when the task is off. */
  protected runSoon(): void {
    if (this.started) this.periodic.trigger();
  }
}
