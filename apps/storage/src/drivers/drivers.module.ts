import { Global, Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { StorageEnv } from '../config/storage-env.schema';
import { LocalObjectStore } from './local-object-store';
import { OBJECT_STORE, type ObjectStore } from './object-store.port';
import { S3ObjectStore } from './s3-object-store';
import { UploadStaging } from './upload-staging';

/** The object store chosen by STORAGE_DRIVER, and the local staging area of uploads in progress. */
export function objectStoreFor(config: StorageEnv): ObjectStore {
  if (config.STORAGE_DRIVER === 'local') return new LocalObjectStore(config.STORAGE_LOCAL_ROOT);
  return new S3ObjectStore({
    bucket: config.STORAGE_S3_BUCKET!,
    region: config.STORAGE_S3_REGION,
    endpoint: config.STORAGE_S3_ENDPOINT,
    forcePathStyle: config.STORAGE_S3_FORCE_PATH_STYLE,
    accessKeyId: config.STORAGE_S3_ACCESS_KEY_ID,
    secretAccessKey: config.STORAGE_S3_SECRET_ACCESS_KEY,
    partSizeBytes: config.STORAGE_S3_PART_SIZE_BYTES,
  });
}

@Global()
@Module({
  providers: [
    { provide: OBJECT_STORE, useFactory: objectStoreFor, inject: [SERVICE_CONFIG] },
    {
      provide: UploadStaging,
      useFactory: (config: StorageEnv) => new UploadStaging(config.STORAGE_LOCAL_ROOT),
      inject: [SERVICE_CONFIG],
    },
  ],
  exports: [OBJECT_STORE, UploadStaging],
})
export class DriversModule {}
