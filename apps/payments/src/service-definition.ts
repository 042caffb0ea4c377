import { defineBackendService } from '@platform/bootstrap';
import { paymentsMigrations } from './migrations';

/** The payments service. No features are built yet: it serves health, metrics and the RPC health ping. */
export const paymentsService = defineBackendService({
  service: 'payments',
  migrations: paymentsMigrations,
  redis: false,
  features: [],
});
