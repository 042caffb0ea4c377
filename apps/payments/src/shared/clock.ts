import { Injectable } from '@nestjs/common';

/**
 * The time source of every billing decision (periods, dunning schedule, webhook tolerance), so a
 * use case never reads the wall clock directly and tests can move time on.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock tests set and advance (registered in place of Clock). */
export class ControllableClock extends Clock {
  constructor(private current: Date = new Date()) {
    super();
  }

  override now(): Date {
    return new Date(this.current);
  }

  set(to: Date): void {
    this.current = new Date(to);
  }

  advanceSeconds(seconds: number): Date {
    this.current = new Date(this.current.getTime() + seconds * 1000);
    return this.now();
  }

  advanceDays(days: number): Date {
    this.current = new Date(this.current.getTime() + days * 24 * 3600 * 1000);
    return this.now();
  }
}
