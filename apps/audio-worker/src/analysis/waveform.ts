/**
 * Peak amplitude per slice of the audio, in bounded memory whatever its length: samples fold into
 * at most `4 × points` blocks; when they fill up, neighbouring blocks merge (max) and each block
 * covers twice as many samples from then on. `finish()` resamples the blocks to exactly `points`.
 */
export class WaveformPeaks {
  private blocks: number[] = [];
  private samplesPerBlock = 1;
  private current = 0;
  private inCurrent = 0;

  constructor(private readonly points: number) {}

  push(samples: Float32Array): void {
    for (let i = 0; i < samples.length; i++) {
      const magnitude = Math.abs(samples[i]);
      if (magnitude > this.current) this.current = magnitude;
      if (++this.inCurrent === this.samplesPerBlock) this.closeBlock();
    }
  }

  finish(): number[] {
    if (this.inCurrent > 0) this.closeBlock();
    const blocks = this.blocks;
    if (blocks.length === 0) return new Array<number>(this.points).fill(0);
    const peaks: number[] = [];
    for (let p = 0; p < this.points; p++) {
      const from = Math.floor((p * blocks.length) / this.points);
      const to = Math.max(from + 1, Math.floor(((p + 1) * blocks.length) / this.points));
      let peak = 0;
      for (let b = from; b < to && b < blocks.length; b++) peak = Math.max(peak, blocks[b]);
      peaks.push(Math.min(1, Math.round(peak * 10_000) / 10_000));
    }
    return peaks;
  }

  private closeBlock(): void {
    this.blocks.push(this.current);
    this.current = 0;
    this.inCurrent = 0;
    if (this.blocks.length >= this.points * 4) {
      const merged: number[] = [];
      for (let i = 0; i < this.blocks.length; i += 2)
        merged.push(Math.max(this.blocks[i], this.blocks[i + 1] ?? 0));
      this.blocks = merged;
      this.samplesPerBlock *= 2;
    }
  }
}
