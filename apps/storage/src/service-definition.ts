import { defineBackendService } from '@platform/bootstrap';
import { storageEnvSchema, type StorageEnv } from './config/storage-env.schema';
import { DeletionModule } from './deletion/deletion.module';
import { DriversModule } from './drivers/drivers.module';
import { StorageEdgeModule } from './http/storage-edge.module';
import { storageEntities } from './entities';
import { storageMigrations } from './migrations';
import { MultipartModule } from './multipart/multipart.module';
import { ObjectModule } from './object/object.module';
import { UploadsModule } from './uploads/uploads.module';

/**
 * The storage service: objects of an organization (forced RLS), resumable uploads (tus 1.0 and the
 * seed's chunk flow) and single-shot uploads streamed over its internal HTTP port, presigned S3
 * multipart and signed downloads. Bytes never cross RabbitMQ; `storage.upload.completed` goes out
 * through the outbox; `recordings.recording.deleted` deletes a recording's object.
 */
export const storageService = defineBackendService<StorageEnv>({
  service: 'storage',
  envSchema: storageEnvSchema,
  migrations: storageMigrations,
  entities: storageEntities,
  redis: true,
  tenancy: true,
  features: (config) => [
    DriversModule,
    StorageEdgeModule.forRoot(config),
    ObjectModule,
    UploadsModule,
    MultipartModule,
    DeletionModule,
  ],
});
