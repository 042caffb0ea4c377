import { Module } from '@nestjs/common';
import { RecordingHandlers } from './recording.handlers';
import { RecordingRepository } from './recording.repository';
import { RecordingService } from './recording.service';

/** recordings: handlers are a controller (Nest serves them through the AMQP transport). */
@Module({
  controllers: [RecordingHandlers],
  providers: [RecordingService, RecordingRepository],
})
export class RecordingModule {}
