import { defineBackendService } from '@platform/bootstrap';
import { analyticsMigrations } from './migrations';

/** The analytics service. No features are built yet: it serves health, metrics and the RPC health ping. */
export const analyticsService = defineBackendService({
  service: 'analytics',
  migrations: analyticsMigrations,
  redis: false,
  features: [],
});
