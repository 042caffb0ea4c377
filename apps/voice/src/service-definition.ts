import { defineBackendService } from '@platform/bootstrap';
import { voiceMigrations } from './migrations';

/** The voice service. No features are built yet: it serves health, metrics and the RPC health ping. */
export const voiceService = defineBackendService({
  service: 'voice',
  migrations: voiceMigrations,
  redis: false,
  features: [],
});
