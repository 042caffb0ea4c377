import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AmqpConnection } from '@platform/messaging';
import type { ReadinessIndicator } from './readiness-indicator';

@Injectable()
export class RabbitMqHealthIndicator implements ReadinessIndicator {
  readonly key = 'rabbitmq';

  constructor(
    private readonly connection: AmqpConnection,
    private readonly health: HealthIndicatorService,
  ) {}

  async check() {
    const session = this.health.check(this.key);
    return this.connection.isConnected
      ? session.up()
      : session.down({ message: 'not connected; reconnecting' });
  }
}
