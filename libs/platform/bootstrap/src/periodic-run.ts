/**
 * A background pass run every `everyMs` (dunning, recurring charges, the upload sweep): one pass at
 * a time per process (an overrunning pass makes the next ticks skip, never overlap), a failure is
 * reported and the next tick tries again, the timer never keeps the process alive, and `stop()`
 * waits for a pass in flight so shutdown never cuts one in half. `trigger()` runs a pass now (for
 * work just queued), or one more right after the pass in flight, so nothing waits for the tick.
 */
export class PeriodicRun {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(everyMs: number): void {
    this.stopped = false;
    this.timer = setInterval(() => this.run(), everyMs);
    this.timer.unref();
  }

  /** A pass now; when one is in flight, another as soon as it ends (it may have missed new work). */
  trigger(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private run(): void {
    this.running ??= this.pass()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.run();
        }
      });
  }
}
