import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { ffmpegPath } from '../analysis/ffmpeg';
import type { AudioWorkerEnv } from '../config/audio-worker-env.schema';
import { AudioSource } from '../source/audio-source.port';
import { HttpDownloadAudioSource } from '../source/http-download.audio-source';
import { LocalDirectoryAudioSource } from '../source/local-directory.audio-source';
import { SignedStorageLinkResolver } from '../source/signed-storage-link.resolver';
import { GeminiTranscriptionProvider } from '../transcription/gemini.transcription';
import { NoTranscriptionProvider, TranscriptionProvider } from '../transcription/transcription.port';
import { AnalysisJobRunner } from './analysis-job.runner';
import { AudioJobConsumer } from './audio-job.consumer';
import { JobAttempts } from './job-attempts';
import { JobAttemptsPruner } from './job-attempts.pruner';

/** The worker: its job queue, the analysis, and the adapters chosen by configuration. */
@Module({
  providers: [
    {
      provide: AudioSource,
      useFactory: (config: AudioWorkerEnv) =>
        config.AUDIO_SOURCE === 'storage'
          ? new HttpDownloadAudioSource(
              new SignedStorageLinkResolver(config.STORAGE_INTERNAL_URL, config.STORAGE_DOWNLOAD_URL_SECRET!),
              config.AUDIO_WORK_DIR,
            )
          : new LocalDirectoryAudioSource(config.AUDIO_LOCAL_ROOT),
      inject: [SERVICE_CONFIG],
    },
    {
      provide: TranscriptionProvider,
      useFactory: (config: AudioWorkerEnv) =>
        config.GEMINI_API_KEY
          ? new GeminiTranscriptionProvider({
              apiKey: config.GEMINI_API_KEY,
              baseUrl: config.GEMINI_BASE_URL,
              model: config.GEMINI_MODEL,
              timeoutMs: config.GEMINI_TIMEOUT_MS,
              inlineMaxBytes: config.GEMINI_INLINE_MAX_BYTES,
              ffmpeg: ffmpegPath(config.FFMPEG_PATH),
              workDir: config.AUDIO_WORK_DIR,
            })
          : new NoTranscriptionProvider(),
      inject: [SERVICE_CONFIG],
    },
    AnalysisJobRunner,
    JobAttempts,
    JobAttemptsPruner,
    AudioJobConsumer,
  ],
})
export class AudioJobsModule {}
