import { Module } from '@nestjs/common';
import { ObjectModule } from '../object/object.module';
import { UploadsModule } from '../uploads/uploads.module';
import { MultipartHandlers } from './multipart.handlers';
import { MultipartService } from './multipart.service';

/** Presigned S3 multipart upload over RPC (501 with the local driver). */
@Module({
  imports: [ObjectModule, UploadsModule],
  controllers: [MultipartHandlers],
  providers: [MultipartService],
})
export class MultipartModule {}
