import type { AudioAnalysis } from '@platform/contracts';

export type Transcript = AudioAnalysis['transcript'];

export interface TranscriptionInput {
  /** A local audio file the provider may read (any format ffmpeg decodes). */
  path: string;
  durationSeconds: number;
  speechSeconds: number;
}

/**
 * Speech to text plus a short summary. Adapters never throw for a provider's refusal or outage: they
 * answer `unavailable` with the reason, so the rest of the analysis is still delivered.
 */
export abstract class TranscriptionProvider {
  abstract transcribe(input: TranscriptionInput, signal?: AbortSignal): Promise<Transcript>;
}

export function unavailable(provider: string | null, reason: string): Transcript {
  return { status: 'unavailable', provider, text: null, summary: null, reason };
}

/** No provider configured: the analysis says so, and never invents text. */
export class NoTranscriptionProvider extends TranscriptionProvider {
  async transcribe(): Promise<Transcript> {
    return unavailable(null, 'transcript unavailable: no transcription provider is configured');
  }
}
