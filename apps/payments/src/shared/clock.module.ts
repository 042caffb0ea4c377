import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Clock } from './clock';

/** The one Clock of the service (tests pass a ControllableClock). */
@Global()
@Module({})
export class ClockModule {
  static forRoot(clock: Clock = new Clock()): DynamicModule {
    return { module: ClockModule, providers: [{ provide: Clock, useValue: clock }], exports: [Clock] };
  }
}
