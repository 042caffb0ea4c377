/**
 * A background pass run every `everyMs` (dunning, recurring charges, the upload sweep): one pass at
 * a time per process (an overrunning pass makes the next ticks skip, never overlap), a failure is
 * reported and the next tick tries again, the timer never keeps the process alive, and `stop()`
 * waits for a pass in flight so shutdown never cuts one in half.
 */
export class PeriodicRun {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => {
      this.running ??= this.pass()
        .catch(this.onError)
        .finally(() => (this.running = undefined));
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
