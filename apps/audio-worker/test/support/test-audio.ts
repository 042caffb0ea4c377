import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../src/analysis/ffmpeg';

const run = promisify(execFile);

/** The committed speech fixture: espeak-ng, Spanish, 6.42 s (see fixtures/README.md). */
export const SPEECH_FIXTURE = path.join(__dirname, '..', 'fixtures', 'speech-es.ogg');

export type Part =
  | { silence: number }
  /** A sine of `hz` at `amplitude` (0..1, 0.5 = -6.02 dBFS) for `seconds`. */
  | { tone: { hz: number; seconds: number; amplitude: number } }
  | { speech: true };

/**
 * Builds test audio of known structure with ffmpeg (lavfi generators + the speech fixture), at
 * 44.1 kHz in `channels` (tones at the same level in each), encoded by the file's extension (wav, mp3, ogg = Opus, flac, m4a = AAC).
 */
export type AudioFormat = 'wav' | 'mp3' | 'ogg' | 'flac' | 'm4a';

/** The encoder and muxer of each test format (m4a: AAC in MP4, muxer `ipod`). */
const ENCODINGS: Record<AudioFormat, string[]> = {
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'],
  ogg: ['-c:a', 'libopus', '-b:a', '64k', '-f', 'ogg'],
  flac: ['-c:a', 'flac', '-f', 'flac'],
  m4a: ['-c:a', 'aac', '-b:a', '128k', '-f', 'ipod'],
};

/** `format` defaults to the file's extension (storage's object files have none). */
export async function makeAudio(
  file: string,
  parts: Part[],
  channels: 1 | 2 = 1,
  format: AudioFormat = path.extname(file).slice(1) as AudioFormat,
): Promise<string> {
  const inputs: string[] = [];
  const labels: string[] = [];
  const layout = channels === 1 ? 'mono' : 'stereo';
  // The same signal at full level in every channel (an upmix would lower each channel by 3 dB).
  const perChannel = (expression: string) => Array(channels).fill(expression).join('|');
  parts.forEach((part, i) => {
    if ('silence' in part) {
      inputs.push('-f', 'lavfi', '-i', `aevalsrc=${perChannel('0')}:s=44100:d=${part.silence}`);
    } else if ('tone' in part) {
      const { hz, seconds, amplitude } = part.tone;
      const wave = `${amplitude}*sin(2*PI*${hz}*t)`;
      inputs.push('-f', 'lavfi', '-i', `aevalsrc=${perChannel(wave)}:s=44100:d=${seconds}`);
    } else {
      inputs.push('-i', SPEECH_FIXTURE);
    }
    labels.push(`[p${i}]`);
  });
  const normalise = parts
    .map((_, i) => `[${i}:a]aresample=44100,aformat=sample_fmts=fltp:channel_layouts=${layout}[p${i}]`)
    .join(';');
  const graph = `${normalise};${labels.join('')}concat=n=${parts.length}:v=0:a=1[out]`;
  await mkdir(path.dirname(file), { recursive: true });
  await run(ffmpegPath(), [
    '-hide_banner',
    '-nostdin',
    '-y',
    ...inputs,
    '-filter_complex',
    graph,
    '-map',
    '[out]',
    ...ENCODINGS[format],
    file,
  ]);
  return file;
}

/** A PNG image: a real media file with no audio stream. */
export async function makeImage(file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await run(ffmpegPath(), [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'color=c=red:s=64x64',
    '-frames:v',
    '1',
    file,
  ]);
  return file;
}

export async function makeText(file: string, text: string): Promise<string> {
  await writeFile(file, text);
  return file;
}

export async function scratchDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'audio-worker-test-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
