import type { AudioAnalysisFailure } from '@platform/contracts';

/**
 * A failure the job cannot get past by trying again (`permanent`: the bytes are not audio) or may
 * (`permanent: false`: a timeout, storage unreachable). The consumer publishes the failure and sends
 * a permanent one straight to the DLQ; others are retried with backoff first.
 */
export class AudioJobError extends Error {
  constructor(
    readonly code: AudioAnalysisFailure,
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'AudioJobError';
  }
}

export const undecodable = (reason: string) => new AudioJobError('UNDECODABLE', reason, true);
export const noAudioStream = (reason: string) => new AudioJobError('NO_AUDIO_STREAM', reason, true);
