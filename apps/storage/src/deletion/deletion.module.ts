import { Module } from '@nestjs/common';
import { ObjectModule } from '../object/object.module';
import { UploadsModule } from '../uploads/uploads.module';
import { RecordingDeletionHandlers } from './recording-deletion.handlers';
import { RecordingDeletionService } from './recording-deletion.service';

/** Deleting the objects of deleted recordings (recordings' event). */
@Module({
  imports: [ObjectModule, UploadsModule],
  controllers: [RecordingDeletionHandlers],
  providers: [RecordingDeletionService],
})
export class DeletionModule {}
