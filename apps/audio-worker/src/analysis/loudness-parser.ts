/**
 * Reads the summary the `ebur128` filter prints when it closes, and the `silencedetect` lines.
 * Both are parsed from ffmpeg's stderr, line by line, as the filters print them.
 */
export interface LoudnessSummary {
  integratedLufs: number | null;
  loudnessRangeLu: number | null;
  truePeakDbtp: number | null;
}

/** `-inf` / `-70.0 LUFS` of digital silence carry no level: null. */
function level(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = Number(text);
  return Number.isFinite(value) && value > -70 ? value : null;
}

export class LoudnessSummaryParser {
  private section: 'integrated' | 'range' | 'peak' | null = null;
  private inSummary = false;
  readonly summary: LoudnessSummary = { integratedLufs: null, loudnessRangeLu: null, truePeakDbtp: null };

  accept(line: string): void {
    if (/ebur128_?\d*\b.*Summary:/.test(line)) {
      this.inSummary = true;
      return;
    }
    if (!this.inSummary) return;
    if (/^\s*Integrated loudness:/.test(line)) this.section = 'integrated';
    else if (/^\s*Loudness range:/.test(line)) this.section = 'range';
    else if (/^\s*True peak:/.test(line)) this.section = 'peak';
    const integrated = /^\s*I:\s+(-?[\d.]+|-inf)\s+LUFS/.exec(line);
    if (integrated && this.section === 'integrated') this.summary.integratedLufs = level(integrated[1]);
    const range = /^\s*LRA:\s+(-?[\d.]+)\s+LU\b/.exec(line);
    // Digital silence has no loudness, hence no range either (ffmpeg prints 0.0).
    if (range && this.section === 'range' && this.summary.integratedLufs !== null) {
      this.summary.loudnessRangeLu = Number(range[1]);
    }
    const peak = /^\s*Peak:\s+(-?[\d.]+|-inf)\s+dBFS/.exec(line);
    if (peak && this.section === 'peak') this.summary.truePeakDbtp = level(peak[1]);
  }
}

/**
 * Silence intervals from `silencedetect`: `silence_start: t` … `silence_end: t | silence_duration: d`.
 * A silence still open when the input ends has no end line: `close(duration)` ends it there.
 */
export class SilenceParser {
  private openedAt: number | null = null;
  totalSeconds = 0;

  accept(line: string): void {
    const start = /silence_start: (-?[\d.e+-]+)/.exec(line);
    if (start) this.openedAt = Math.max(0, Number(start[1]));
    const end = /silence_end: ([\d.e+-]+) \| silence_duration: ([\d.e+-]+)/.exec(line);
    if (end) {
      this.totalSeconds += Number(end[2]);
      this.openedAt = null;
    }
  }

  close(durationSeconds: number): void {
    if (this.openedAt !== null && durationSeconds > this.openedAt) {
      this.totalSeconds += durationSeconds - this.openedAt;
    }
    this.openedAt = null;
  }
}
