import { defineBackendService } from '@platform/bootstrap';
import { audioWorkerMigrations } from './migrations';

/** The audio-worker service. No features are built yet: it serves health, metrics and the RPC health ping. */
export const audioWorkerService = defineBackendService({
  service: 'audio-worker',
  migrations: audioWorkerMigrations,
  redis: false,
  features: [],
});
