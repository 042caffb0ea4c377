/**
 * Bounded in-flight calls to one backend service. A slow service holds its calls (and the sockets,
 * memory and event-loop work behind them) for as long as it takes; past `maxInFlight` its further
 * calls are refused at once, so it cannot take the capacity every other service's routes need.
 */
export class Bulkhead {
  private active = 0;

  constructor(readonly maxInFlight: number) {}

  get inFlight(): number {
    return this.active;
  }

  /** Takes a slot if one is free; every `true` must be matched by exactly one `leave()`. */
  tryEnter(): boolean {
    if (this.active >= this.maxInFlight) return false;
    this.active++;
    return true;
  }

  leave(): void {
    if (this.active > 0) this.active--;
  }
}
