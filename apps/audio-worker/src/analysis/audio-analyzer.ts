import type { AudioAnalysis, AudioAnalysisStage } from '@platform/contracts';
import { undecodable } from './audio-errors';
import { runFfmpeg } from './ffmpeg';
import { LoudnessSummaryParser, SilenceParser } from './loudness-parser';
import { probeAudio } from './probe';
import { SileroVad, VAD_SAMPLE_RATE } from './silero-vad';
import { WaveformPeaks } from './waveform';

export interface AnalyzerOptions {
  ffmpeg: string;
  waveformPoints: number;
  silenceThresholdDb: number;
  silenceMinSeconds: number;
}

export type ProgressReport = (stage: AudioAnalysisStage, percent: number) => Promise<void>;

export type SignalAnalysis = Omit<AudioAnalysis, 'transcript' | 'analyzedAt' | 'processingSeconds'>;

/**
 * Everything but the transcript, in two ffmpeg runs: `-i` for the format, then ONE decode whose
 * filter chain measures loudness (ebur128, true peak) and silence (silencedetect) as the audio
 * passes, and hands the audio on as 16 kHz mono float PCM to stdout, where the waveform and the
 * VAD consume it chunk by chunk (backpressure: the decode waits for the model). Memory stays
 * bounded by the chunk size and the waveform's blocks, whatever the recording's length.
 */
export async function analyzeSignal(
  file: string,
  options: AnalyzerOptions,
  report: ProgressReport,
  signal?: AbortSignal,
): Promise<SignalAnalysis> {
  const probed = await probeAudio(options.ffmpeg, file, signal);
  await report('probed', 10);
  const loudness = new LoudnessSummaryParser();
  const silence = new SilenceParser();
  const filters = [
    // Frame lines at verbose: only the summary reaches stderr at the default level.
    'ebur128=peak=true:framelog=verbose',
    `silencedetect=n=${options.silenceThresholdDb}dB:d=${options.silenceMinSeconds}`,
    monoMix(probed.channels),
    `aresample=${VAD_SAMPLE_RATE}`,
    'aformat=sample_fmts=flt:channel_layouts=mono',
  ].join(',');
  const run = runFfmpeg(
    options.ffmpeg,
    ['-i', file, '-vn', '-map', '0:a:0', '-af', filters, '-f', 'f32le', 'pipe:1'],
    {
      signal,
      onLine: (line) => {
        loudness.accept(line);
        silence.accept(line);
      },
    },
  );
  const waveform = new WaveformPeaks(options.waveformPoints);
  const vad = await SileroVad.create();
  let samples = 0;
  let carry: Buffer | null = null;
  let nextReport = 20;
  const expected = probed.headerDurationSeconds;
  for await (const chunk of run.stdout as AsyncIterable<Buffer>) {
    const bytes: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const usable = bytes.length - (bytes.length % 4);
    carry = usable < bytes.length ? Buffer.from(bytes.subarray(usable)) : null;
    // Copied into an aligned buffer: a Float32Array view needs a 4-byte-aligned offset.
    const pcm = new Float32Array(usable / 4);
    Buffer.from(pcm.buffer).set(bytes.subarray(0, usable));
    waveform.push(pcm);
    await vad.push(pcm, signal);
    samples += pcm.length;
    if (expected && (samples / VAD_SAMPLE_RATE / expected) * 60 + 15 >= nextReport && nextReport <= 75) {
      await report('speech', nextReport);
      nextReport += 15;
    }
  }
  const { code, lastLines } = await run.done;
  if (code !== 0) throw undecodable(`ffmpeg could not decode the audio: ${lastLines.slice(-3).join(' | ')}`);
  if (samples === 0) throw undecodable('the audio stream decodes to no samples');
  const durationSeconds = samples / VAD_SAMPLE_RATE;
  silence.close(durationSeconds);
  const segments = vad.finish(durationSeconds);
  const speechSeconds = segments.reduce((sum, s) => sum + (s.endSeconds - s.startSeconds), 0);
  await report('waveform', 80);
  return {
    durationSeconds: round(durationSeconds, 3),
    sampleRateHz: probed.sampleRateHz,
    channels: probed.channels,
    codec: probed.codec,
    container: probed.container,
    bitRateBps: probed.bitRateBps,
    loudness: loudness.summary,
    silence: {
      ratio: clamp01(round(silence.totalSeconds / durationSeconds, 4)),
      totalSeconds: round(Math.min(silence.totalSeconds, durationSeconds), 3),
      thresholdDb: options.silenceThresholdDb,
      minSilenceSeconds: options.silenceMinSeconds,
    },
    waveform: { points: options.waveformPoints, peaks: waveform.finish() },
    speech: {
      model: 'silero-vad-v4',
      segments,
      totalSeconds: round(speechSeconds, 3),
      ratio: clamp01(round(speechSeconds / durationSeconds, 4)),
    },
  };
}

/**
 * The average of the channels (`<` makes the gains sum to 1): equal channels keep their level, so a
 * waveform peak reads as the level in the file. ffmpeg's default downmix would add 3 dB per pair.
 */
export function monoMix(channels: number): string {
  const sum = Array.from({ length: channels }, (_, i) => `c${i}`).join('+');
  return `pan=mono|c0<${sum}`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
