import { noAudioStream, undecodable } from './audio-errors';
import { runFfmpeg } from './ffmpeg';

export interface ProbedAudio {
  container: string;
  codec: string;
  sampleRateHz: number;
  channels: number;
  bitRateBps: number | null;
  /** From the container's header: absent or wrong for some streams, so the decoded length wins. */
  headerDurationSeconds: number | null;
}

/** Channel layouts ffmpeg prints, by channel count. */
const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1,
  stereo: 2,
  '2.1': 3,
  '3.0': 3,
  quad: 4,
  '4.0': 4,
  '5.0': 5,
  '5.1': 6,
  '6.1': 7,
  '7.1': 8,
};

/**
 * Reads what `ffmpeg -i` prints about the input (no ffprobe ships in @ffmpeg-installer): container,
 * first audio stream's codec, rate, channels, bit rate, header duration. Parsing is per line and
 * tolerant: a field ffmpeg leaves out stays null, but no audio stream at all is a failure.
 */
export function parseProbe(
  lines: string[],
): ProbedAudio | { error: 'no-input' | 'no-audio'; detail: string } {
  const input = lines.map((line) => /^Input #0, ([^,]+(?:,[^,]+)*?), from /.exec(line)).find(Boolean);
  if (!input) return { error: 'no-input', detail: lines.slice(-3).join(' | ') };
  const durationLine = lines.find((line) => /^\s*Duration: /.test(line)) ?? '';
  const duration = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(durationLine);
  const bitrate = /bitrate: (\d+) kb\/s/.exec(durationLine);
  const audio = lines.map((line) => /Stream #0:\d+.*?: Audio: (.+)$/.exec(line)).find(Boolean);
  if (!audio) return { error: 'no-audio', detail: 'the input has no audio stream' };
  const parts = audio[1].split(/,\s*(?![^()]*\))/);
  const codec = parts[0].trim().split(/\s+/)[0];
  const rate = parts.map((part) => /^(\d+) Hz$/.exec(part.trim())).find(Boolean);
  const layout =
    parts.find((_, i) => i > 0 && parts[i - 1] !== undefined && / Hz$/.test(parts[i - 1].trim()))?.trim() ??
    '';
  const channels =
    LAYOUT_CHANNELS[layout.replace(/\(.*\)$/, '')] ?? Number(/^(\d+) channels?/.exec(layout)?.[1] ?? NaN);
  if (!rate || !Number.isFinite(channels)) {
    return { error: 'no-audio', detail: `unreadable audio stream: ${audio[1].slice(0, 200)}` };
  }
  return {
    container: input[1].trim(),
    codec,
    sampleRateHz: Number(rate[1]),
    channels,
    bitRateBps: bitrate ? Number(bitrate[1]) * 1000 : null,
    headerDurationSeconds: duration
      ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])
      : null,
  };
}

/** `ffmpeg -i <file>` (it exits 1 for want of an output: the header is printed all the same). */
export async function probeAudio(binary: string, file: string, signal?: AbortSignal): Promise<ProbedAudio> {
  const lines: string[] = [];
  const run = runFfmpeg(binary, ['-i', file], {
    signal,
    onLine: (line) => {
      if (lines.length < 500) lines.push(line);
    },
  });
  run.stdout.resume();
  await run.done;
  const probed = parseProbe(lines);
  if ('error' in probed) {
    throw probed.error === 'no-audio'
      ? noAudioStream(probed.detail)
      : undecodable(`ffmpeg cannot read the file as media: ${probed.detail}`);
  }
  return probed;
}
