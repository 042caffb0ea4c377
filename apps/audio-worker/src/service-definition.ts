import { defineBackendService } from '@platform/bootstrap';
import { audioWorkerEnvSchema, type AudioWorkerEnv } from './config/audio-worker-env.schema';
import { AudioJobsModule } from './jobs/audio-jobs.module';
import { audioWorkerMigrations } from './migrations';

/**
 * The audio worker: consumes `recordings.analysis.requested` from its own queue, analyses the audio
 * (ffmpeg from @ffmpeg-installer, Silero VAD on onnxruntime-node, transcript through a provider port)
 * and reports `audio-worker.analysis.progressed|completed|failed`. No RPC of its own; its HTTP port
 * serves health and metrics.
 */
export const audioWorkerService = defineBackendService<AudioWorkerEnv>({
  service: 'audio-worker',
  envSchema: audioWorkerEnvSchema,
  migrations: audioWorkerMigrations,
  redis: false,
  features: [AudioJobsModule],
});
