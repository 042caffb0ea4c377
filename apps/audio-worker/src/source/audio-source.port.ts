/** What the worker is asked to analyse: one storage object of one recording. */
export interface AudioObjectRef {
  organizationId: string;
  recordingId: string;
  objectId: string;
}

/** A local file holding the object's bytes for the duration of the job; `release()` cleans up. */
export interface OpenedAudio {
  path: string;
  release(): Promise<void>;
}

/**
 * Where the worker gets a recording's bytes. Small on purpose: ffmpeg reads the file several times
 * (probe, decode, transcript encoding), so a source hands over a local file — the object itself when
 * it already is one, else a temporary download — and never a buffer in memory.
 */
export abstract class AudioSource {
  abstract open(ref: AudioObjectRef, signal?: AbortSignal): Promise<OpenedAudio>;
}
