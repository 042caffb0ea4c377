import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_NAMES,
  type AudioAnalysis,
  type AudioAnalysisStage,
  type PlatformEventPayload,
} from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { EventPublisher } from '@platform/messaging';
import { analyzeSignal } from '../analysis/audio-analyzer';
import { ffmpegPath } from '../analysis/ffmpeg';
import type { AudioWorkerEnv } from '../config/audio-worker-env.schema';
import { AudioSource } from '../source/audio-source.port';
import { TranscriptionProvider } from '../transcription/transcription.port';

export type AnalysisJob = PlatformEventPayload<'recordings.analysis.requested'>;

/**
 * One analysis, start to end: fetch the bytes (audio source port), measure the signal, ask the
 * transcription provider, and report progress as it goes (`audio-worker.analysis.progressed`, which
 * recordings turns into PROCESSING with a percentage).
 */
@Injectable()
export class AnalysisJobRunner {
  private readonly ffmpeg: string;

  constructor(
    private readonly source: AudioSource,
    private readonly transcription: TranscriptionProvider,
    private readonly publisher: EventPublisher,
    @Inject(SERVICE_CONFIG) private readonly config: AudioWorkerEnv,
  ) {
    this.ffmpeg = ffmpegPath(config.FFMPEG_PATH);
  }

  async run(job: AnalysisJob, signal: AbortSignal): Promise<AudioAnalysis> {
    const startedAt = process.hrtime.bigint();
    const report = (stage: AudioAnalysisStage, percent: number) => this.progress(job, stage, percent);
    await report('started', 5);
    const audio = await this.source.open(job, signal);
    try {
      const measured = await analyzeSignal(
        audio.path,
        {
          ffmpeg: this.ffmpeg,
          waveformPoints: this.config.AUDIO_WAVEFORM_POINTS,
          silenceThresholdDb: this.config.AUDIO_SILENCE_THRESHOLD_DB,
          silenceMinSeconds: this.config.AUDIO_SILENCE_MIN_SECONDS,
        },
        report,
        signal,
      );
      await report('transcript', 90);
      const transcript = await this.transcription.transcribe(
        {
          path: audio.path,
          durationSeconds: measured.durationSeconds,
          speechSeconds: measured.speech.totalSeconds,
        },
        signal,
      );
      const processingSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      return {
        ...measured,
        transcript,
        analyzedAt: new Date().toISOString(),
        processingSeconds: Math.round(processingSeconds * 1000) / 1000,
      };
    } finally {
      await audio.release();
    }
  }

  private async progress(job: AnalysisJob, stage: AudioAnalysisStage, percent: number): Promise<void> {
    await this.publisher.publishEvent(EVENT_NAMES.analysisProgressed, {
      organizationId: job.organizationId,
      recordingId: job.recordingId,
      stage,
      percent,
    });
  }
}
