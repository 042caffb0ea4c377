import { defineBackendService } from '@platform/bootstrap';
import { authMigrations } from './migrations';

/** The auth service. No features are built yet: it serves health, metrics and the RPC health ping. */
export const authService = defineBackendService({
  service: 'auth',
  migrations: authMigrations,
  redis: true,
  features: [],
});
