import { Module } from '@nestjs/common';
import { ObjectModule } from '../object/object.module';
import { SeedUploadController } from './seed-upload.controller';
import { SeedUploadService } from './seed-upload.service';
import { StorageQuota } from './storage-quota';
import { TusController } from './tus/tus.controller';
import { UploadCompletion } from './upload-completion';
import { UploadLock } from './upload-lock';
import { UploadService } from './upload.service';
import { UploadSweeper } from './upload-sweeper';

/** Uploads over HTTP: tus at /v1/uploads, the seed's chunks/finalize and single-shot upload; the expiry sweep. */
@Module({
  imports: [ObjectModule],
  controllers: [TusController, SeedUploadController],
  providers: [UploadService, UploadCompletion, StorageQuota, UploadLock, SeedUploadService, UploadSweeper],
  exports: [UploadCompletion, StorageQuota, UploadLock],
})
export class UploadsModule {}
