import type { Type } from '@nestjs/common';
import type { ReadinessIndicator } from './indicators/readiness-indicator';

export interface HealthModuleOptions {
  service: string;
  version: string;
  indicators: Type<ReadinessIndicator>[];
  /** Backend services answer `<service>.health.ping`; the gateway does not. */
  answerPing: boolean;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
