/**
 * @jest-environment ./apps/audio-worker/test/support/onnx-environment.js
 */
import * as path from 'node:path';
import { analyzeSignal, type SignalAnalysis } from '../src/analysis/audio-analyzer';
import { AudioJobError } from '../src/analysis/audio-errors';
import { ffmpegPath } from '../src/analysis/ffmpeg';
import { makeAudio, makeImage, makeText, scratchDir } from './support/test-audio';

const OPTIONS = {
  ffmpeg: ffmpegPath(),
  waveformPoints: 1000,
  silenceThresholdDb: -50,
  silenceMinSeconds: 0.5,
};
const TONE = { hz: 1000, seconds: 3, amplitude: 0.5 };
/**
 * BS.1770: a 0 dBFS 1 kHz sine in one channel reads -3.01 LUFS; at amplitude 0.5 (-6.02 dB) that is
 * -9.03 LUFS, and its true peak -6.02 dBTP. Silence under the absolute gate does not count.
 */
const TONE_LUFS = -9.03;
const TONE_PEAK_DBTP = -6.02;

/**
 * The worker's measurements on real audio made with ffmpeg (generated tones and silences of known
 * lengths, and espeak-ng speech), decoded by the shipped ffmpeg binary and the Silero VAD model.
 */
describe('audio analysis (real ffmpeg, real Silero VAD)', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  const report = async () => undefined;
  beforeAll(async () => {
    scratch = await scratchDir();
  });
  afterAll(() => scratch?.remove());

  // silence 2 s, tone 3 s, silence 2 s, tone 3 s: 10 s, 40 % silence.
  const toneAndSilence = [{ silence: 2 }, { tone: TONE }, { silence: 2 }, { tone: TONE }];

  // Lossy codecs shift and smear the edges (encoder delay, pre-echo): wider tolerances for them.
  const LOSSLESS = { duration: 0.01, lufs: 0.6, edge: 0.01, tone: [0.47, 0.53] as const };
  // ffmpeg's native AAC encoder lets a steady sine's level wander by ±10 %.
  const LOSSY = { duration: 0.08, lufs: 1.0, edge: 0.03, tone: [0.4, 0.6] as const };
  it.each([
    ['wav', 'pcm_s16le', 'wav', 1, LOSSLESS],
    ['flac', 'flac', 'flac', 2, LOSSLESS],
    ['mp3', 'mp3', 'mp3', 2, LOSSY],
    ['ogg', 'opus', 'ogg', 1, LOSSY],
    ['m4a', 'aac', 'mov,mp4,m4a,3gp,3g2,mj2', 2, LOSSY],
  ] as const)(
    'measures a %s file: format, duration ±tolerance, EBU R128 loudness and true peak, silence ratio, waveform',
    async (extension, codec, container, channels, tolerance) => {
      const file = await makeAudio(path.join(scratch.dir, `tones.${extension}`), toneAndSilence, channels);
      const result = await analyzeSignal(file, OPTIONS, report);

      expect(result).toMatchObject({
        codec,
        container,
        channels,
        sampleRateHz: extension === 'ogg' ? 48000 : 44100,
      });
      expect(Math.abs(result.durationSeconds - 10)).toBeLessThanOrEqual(tolerance.duration);
      // Stereo doubles the power of the same sine: +3.01 LU.
      const expectedLufs = TONE_LUFS + (channels === 2 ? 3.01 : 0);
      expect(Math.abs(result.loudness.integratedLufs! - expectedLufs)).toBeLessThanOrEqual(tolerance.lufs);
      expect(Math.abs(result.loudness.truePeakDbtp! - TONE_PEAK_DBTP)).toBeLessThanOrEqual(tolerance.lufs);
      expect(Math.abs(result.silence.ratio - 0.4)).toBeLessThanOrEqual(0.03);
      // 1,000 points over 10 s: 10 ms each. Peaks are the channels' average, so 0.5 in every format.
      expectWaveform(result, [
        [0, 190, 0, tolerance.edge], // first silence
        [210, 490, ...tolerance.tone], // first tone
        [510, 690, 0, tolerance.edge], // second silence
        [710, 990, ...tolerance.tone], // second tone
      ]);
      // A steady tone is not speech.
      expect(result.speech.segments).toEqual([]);
    },
  );

  it('finds speech where the espeak-ng speech is, and not in the silence or the tone around it', async () => {
    // silence 2 s, speech 6.42 s (voice until ~6.0 s), silence 2 s, tone 3 s: 13.42 s.
    const file = await makeAudio(
      path.join(scratch.dir, 'speech.wav'),
      [{ silence: 2 }, { speech: true }, { silence: 2 }, { tone: TONE }],
      2,
    );
    const result = await analyzeSignal(file, OPTIONS, report);

    expect(Math.abs(result.durationSeconds - 13.42)).toBeLessThanOrEqual(0.02);
    const { segments } = result.speech;
    expect(segments.length).toBeGreaterThanOrEqual(1);
    expect(segments[0].startSeconds).toBeGreaterThanOrEqual(1.8);
    expect(segments[0].startSeconds).toBeLessThanOrEqual(2.5);
    expect(segments.at(-1)!.endSeconds).toBeGreaterThanOrEqual(7.6);
    expect(segments.at(-1)!.endSeconds).toBeLessThanOrEqual(9.0);
    expect(result.speech.totalSeconds).toBeGreaterThanOrEqual(4);
    expect(result.speech.totalSeconds).toBeLessThanOrEqual(6.6);
    // The two generated silences (4 s) at least; pauses inside the speech add at most a little.
    expect(result.silence.totalSeconds).toBeGreaterThanOrEqual(4);
    expect(result.silence.totalSeconds).toBeLessThanOrEqual(5);
  });

  it('reports digital silence as silence, without a loudness level', async () => {
    const file = await makeAudio(path.join(scratch.dir, 'silence.wav'), [{ silence: 3 }]);
    const result = await analyzeSignal(file, OPTIONS, report);
    expect(result.loudness).toEqual({ integratedLufs: null, truePeakDbtp: null, loudnessRangeLu: null });
    expect(result.silence.ratio).toBe(1);
    expect(result.speech).toMatchObject({ segments: [], totalSeconds: 0, ratio: 0 });
    expect(Math.max(...result.waveform.peaks)).toBe(0);
  });

  it('refuses what is not audio: text posing as mp3 (UNDECODABLE), an image (NO_AUDIO_STREAM)', async () => {
    const text = await makeText(path.join(scratch.dir, 'fake.mp3'), 'this is not audio at all\n'.repeat(100));
    await expect(analyzeSignal(text, OPTIONS, report)).rejects.toMatchObject({
      code: 'UNDECODABLE',
      permanent: true,
    });
    const image = await makeImage(path.join(scratch.dir, 'picture.png'));
    const error = await analyzeSignal(image, OPTIONS, report).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioJobError);
    expect(error).toMatchObject({ code: 'NO_AUDIO_STREAM', permanent: true });
  });

  it('stops when the job is aborted (the signal of the job timeout)', async () => {
    const file = await makeAudio(path.join(scratch.dir, 'long.flac'), [{ tone: { ...TONE, seconds: 120 } }]);
    const controller = new AbortController();
    const analysing = analyzeSignal(
      file,
      OPTIONS,
      async (stage) => {
        if (stage === 'probed') controller.abort(new Error('timed out'));
      },
      controller.signal,
    );
    await expect(analysing).rejects.toThrow();
  });
});

/** Each [from, to, min, max]: every waveform point in from..to lies within min..max. */
function expectWaveform(result: SignalAnalysis, ranges: [number, number, number, number][]): void {
  expect(result.waveform.points).toBe(1000);
  expect(result.waveform.peaks).toHaveLength(1000);
  for (const [from, to, min, max] of ranges) {
    const slice = result.waveform.peaks.slice(from, to + 1);
    expect({ from, to, low: Math.min(...slice) >= min, high: Math.max(...slice) <= max }).toEqual({
      from,
      to,
      low: true,
      high: true,
    });
  }
}
