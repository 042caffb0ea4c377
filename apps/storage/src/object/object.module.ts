import { Module } from '@nestjs/common';
import { DownloadController } from '../downloads/download.controller';
import { ObjectBytesResponder } from '../downloads/object-bytes.responder';
import { SignedDownloadUrl } from '../downloads/signed-download-url';
import { ObjectHandlers } from './object.handlers';
import { ObjectRepository } from './object.repository';
import { ObjectService } from './object.service';

/** Objects: RPC handlers (get, list, delete, download link) and the signed-link download route. */
@Module({
  controllers: [ObjectHandlers, DownloadController],
  providers: [ObjectService, ObjectRepository, SignedDownloadUrl, ObjectBytesResponder],
  exports: [ObjectService, ObjectRepository],
})
export class ObjectModule {}
