/**
 * The audio worker's cost: seconds of processing per minute of audio, for the whole signal analysis
 * one job runs (ffmpeg probe, one decode with EBU R128 + true peak + silencedetect, 16 kHz mono mix,
 * 1,000-point waveform, Silero VAD on onnxruntime-node), on this machine, one job at a time. The
 * transcript (a provider's network call) is not part of it. Prints figures; asserts nothing.
 *
 *   npx tsx bench/audio-worker.ts
 *
 * The audio: the committed espeak-ng speech looped (its own 0.4 s pause between loops), as 44.1 kHz stereo MP3 128 kb/s
 * (a typical call recording). Env: BENCH_AUDIO_MINUTES (comma list, default 1,5,15), BENCH_RUNS (3).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { analyzeSignal } from '../apps/audio-worker/src/analysis/audio-analyzer';
import { ffmpegPath } from '../apps/audio-worker/src/analysis/ffmpeg';

const minutesList = (process.env.BENCH_AUDIO_MINUTES ?? '1,5,15').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const speech = path.join(__dirname, '..', 'apps/audio-worker/test/fixtures/speech-es.ogg');

async function makeCall(file: string, minutes: number): Promise<void> {
  await promisify(execFile)(ffmpegPath(), [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-stream_loop',
    '-1',
    '-i',
    speech,
    '-af',
    'aresample=44100',
    '-t',
    String(minutes * 60),
    '-ac',
    '2',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '128k',
    file,
  ]);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-audio-'));
  const options = {
    ffmpeg: ffmpegPath(),
    waveformPoints: 1000,
    silenceThresholdDb: -50,
    silenceMinSeconds: 0.5,
  };
  try {
    // Warm-up: loads the ONNX model once, as a running worker has.
    await makeCall(path.join(dir, 'warm.mp3'), 0.1);
    await analyzeSignal(path.join(dir, 'warm.mp3'), options, async () => undefined);
    console.log(
      'minutes of audio | runs | s per run (median) | s of processing per minute of audio | × real time | peak RSS MB',
    );
    for (const minutes of minutesList) {
      const file = path.join(dir, `call-${minutes}.mp3`);
      await makeCall(file, minutes);
      const seconds: number[] = [];
      let peakRss = 0;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
      for (let run = 0; run < runs; run++) {
        const started = process.hrtime.bigint();
        await analyzeSignal(file, options, async () => undefined);
        seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
      }
      clearInterval(sampler);
      const median = [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)];
      console.log(
        [
          minutes,
          runs,
          median.toFixed(2),
          (median / minutes).toFixed(2),
          ((minutes * 60) / median).toFixed(1),
          (peakRss / 2 ** 20).toFixed(0),
        ].join(' | '),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
