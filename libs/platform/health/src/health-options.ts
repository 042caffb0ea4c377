import type { Type } from '@nestjs/common';
import type { ReadinessIndicator } from './indicators/readiness-indicator';

export interface HealthModuleOptions {
  service: string;
  version: string;
  indicators: Type<ReadinessIndicator>[];
  /** Backend services answer `<service>.health.ping`; the gateway does not. */
  answerPing: boolean;
  /**
   * What the service's HTTP port serves: `all` (live, ready, metrics: a backend's port is internal)
   * or `liveness-only` (a public port: readiness and metrics are served on an internal one), or
   * `none`: the owner serves even liveness itself (the gateway answers it as a plain Fastify route,
   * outside Nest's router, on its hottest cheap path).
   */
  httpPort?: 'all' | 'liveness-only' | 'none';
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
