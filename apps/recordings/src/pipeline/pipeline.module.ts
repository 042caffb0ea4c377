import { Module } from '@nestjs/common';
import { PipelineHandlers } from './pipeline.handlers';
import { RecordingPipelineService } from './recording-pipeline.service';

/** The recording's processing states, driven by storage's and the audio worker's events. */
@Module({
  controllers: [PipelineHandlers],
  providers: [RecordingPipelineService],
})
export class PipelineModule {}
