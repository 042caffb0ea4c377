import { defineBackendService } from '@platform/bootstrap';
import { campaignsMigrations } from './migrations';

/** The campaigns service. No features are built yet: it serves health, metrics and the RPC health ping. */
export const campaignsService = defineBackendService({
  service: 'campaigns',
  migrations: campaignsMigrations,
  redis: false,
  features: [],
});
