import { defineBackendService } from '@platform/bootstrap';
import { storageMigrations } from './migrations';

/** The storage service. No features are built yet: it serves health, metrics and the RPC health ping. */
export const storageService = defineBackendService({
  service: 'storage',
  migrations: storageMigrations,
  redis: true,
  features: [],
});
