import { Injectable } from '@nestjs/common';

/** The time source of every expiry decision, so a use case never reads the wall clock directly. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  nowSeconds(): number {
    return Math.floor(Date.now() / 1000);
  }

  /** `now` plus `seconds`. */
  in(seconds: number): Date {
    return new Date(this.now().getTime() + seconds * 1000);
  }
}
