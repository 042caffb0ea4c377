import { defineBackendService } from '@platform/bootstrap';
import { recordingsEntities } from './entities';
import { recordingsMigrations } from './migrations';
import { PipelineModule } from './pipeline/pipeline.module';
import { RecordingModule } from './recording/recording.module';

/**
 * The recordings service: recordings of an organization (title, tags, metadata, plan limit on
 * count, filtered/sorted lists, soft delete) and their processing states, driven by storage's
 * `storage.upload.completed` and the audio worker's reports. Owns the `platform_recordings` database.
 */
export const recordingsService = defineBackendService({
  service: 'recordings',
  migrations: recordingsMigrations,
  redis: false,
  entities: recordingsEntities,
  tenancy: true,
  features: [RecordingModule, PipelineModule],
});
