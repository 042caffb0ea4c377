import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { withinBudget, type ReadinessIndicator } from './readiness-indicator';

@Injectable()
export class PostgresHealthIndicator implements ReadinessIndicator {
  readonly key = 'postgres';

  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}

  async check() {
    const session = this.health.check(this.key);
    try {
      await withinBudget(this.dataSource.query('SELECT 1'), 'PostgreSQL');
      return session.up();
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}
