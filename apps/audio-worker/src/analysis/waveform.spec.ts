import { WaveformPeaks } from './waveform';

describe('WaveformPeaks', () => {
  it('gives exactly `points` peaks, each the largest magnitude of its slice', () => {
    const waveform = new WaveformPeaks(4);
    // 8 samples → 4 slices of 2.
    waveform.push(Float32Array.from([0.1, -0.5, 0, 0, 0.25, 0.2, -1, 0.3]));
    expect(waveform.finish()).toEqual([0.5, 0, 0.25, 1]);
  });

  it('stays bounded for long audio (blocks merge) and still places a peak in the right slice', () => {
    const waveform = new WaveformPeaks(10);
    const second = new Float32Array(16_000);
    for (let s = 0; s < 600; s++) {
      // One loud sample in second 450 of 600: slice 7 of 10 (450 / 60).
      second.fill(0);
      if (s === 450) second[8000] = 0.9;
      waveform.push(second);
    }
    const peaks = waveform.finish();
    expect(peaks).toEqual([0, 0, 0, 0, 0, 0, 0, 0.9, 0, 0]);
    // Internal blocks never exceed 4 × points.
    expect((waveform as unknown as { blocks: number[] }).blocks.length).toBeLessThanOrEqual(40);
  });

  it('answers zeros for no audio', () => {
    expect(new WaveformPeaks(3).finish()).toEqual([0, 0, 0]);
  });
});
