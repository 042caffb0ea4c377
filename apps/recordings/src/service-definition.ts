import { defineBackendService } from '@platform/bootstrap';
import { recordingsMigrations } from './migrations';

/** The recordings service. No features are built yet: it serves health, metrics and the RPC health ping. */
export const recordingsService = defineBackendService({
  service: 'recordings',
  migrations: recordingsMigrations,
  redis: false,
  features: [],
});
