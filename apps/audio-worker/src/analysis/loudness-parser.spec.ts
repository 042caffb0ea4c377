import { LoudnessSummaryParser, SilenceParser } from './loudness-parser';

describe('LoudnessSummaryParser (ebur128 summary)', () => {
  const feed = (lines: string[]) => {
    const parser = new LoudnessSummaryParser();
    lines.forEach((line) => parser.accept(line));
    return parser.summary;
  };

  it('reads integrated loudness, range and true peak from the summary only', () => {
    expect(
      feed([
        // A frame line before the summary carries an I: too; it must not count.
        '[Parsed_ebur128_0 @ 0x1] t: 12.9  TARGET:-23 LUFS  M: -22.2 S: -23.0  I: -21.7 LUFS  LRA:   7.2 LU',
        '[Parsed_ebur128_0 @ 0xe69bcc0] Summary:',
        '',
        '  Integrated loudness:',
        '    I:         -21.7 LUFS',
        '    Threshold: -31.8 LUFS',
        '',
        '  Loudness range:',
        '    LRA:         7.2 LU',
        '    Threshold: -43.1 LUFS',
        '',
        '  True peak:',
        '    Peak:       -3.6 dBFS',
      ]),
    ).toEqual({ integratedLufs: -21.7, loudnessRangeLu: 7.2, truePeakDbtp: -3.6 });
  });

  it('gives no level for digital silence (-70 LUFS, -inf peak)', () => {
    expect(
      feed([
        '[Parsed_ebur128_0 @ 0x2] Summary:',
        '  Integrated loudness:',
        '    I:         -70.0 LUFS',
        '  Loudness range:',
        '    LRA:         0.0 LU',
        '  True peak:',
        '    Peak:       -inf dBFS',
      ]),
    ).toEqual({ integratedLufs: null, loudnessRangeLu: null, truePeakDbtp: null });
  });
});

describe('SilenceParser (silencedetect)', () => {
  it('adds closed silences and closes an open one at the end of the audio', () => {
    const parser = new SilenceParser();
    [
      '[silencedetect @ 0x1] silence_start: 0',
      '[silencedetect @ 0x1] silence_end: 2.00 | silence_duration: 2.00',
      '[silencedetect @ 0x1] silence_start: 5.5',
      '[silencedetect @ 0x1] silence_end: 6.25 | silence_duration: 0.75',
      '[silencedetect @ 0x1] silence_start: 9',
    ].forEach((line) => parser.accept(line));
    parser.close(10);
    expect(parser.totalSeconds).toBeCloseTo(3.75, 6);
  });
});
