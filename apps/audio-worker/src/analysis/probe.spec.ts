import { parseProbe } from './probe';

/** `ffmpeg -i` headers as ffmpeg 4.1 prints them (copied from real runs). */
describe('parseProbe', () => {
  it('reads container, codec, rate, channels, bit rate and header duration', () => {
    expect(
      parseProbe([
        "Input #0, mp3, from 'st.mp3':",
        '  Metadata:',
        '    encoder         : Lavf58.24.100',
        '  Duration: 00:00:03.03, start: 0.025057, bitrate: 128 kb/s',
        '    Stream #0:0: Audio: mp3, 44100 Hz, stereo, fltp, 128 kb/s',
      ]),
    ).toEqual({
      container: 'mp3',
      codec: 'mp3',
      sampleRateHz: 44100,
      channels: 2,
      bitRateBps: 128000,
      headerDurationSeconds: 3.03,
    });
  });

  it('handles codec details in parentheses, multi-name containers, language tags and 5.1(side)', () => {
    expect(
      parseProbe([
        "Input #0, wav, from 'speech.wav':",
        '  Duration: 00:00:06.41, bitrate: 352 kb/s',
        '    Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 22050 Hz, mono, s16, 352 kb/s',
      ]),
    ).toMatchObject({ codec: 'pcm_s16le', sampleRateHz: 22050, channels: 1, headerDurationSeconds: 6.41 });
    expect(
      parseProbe([
        "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.m4a':",
        '  Duration: 01:02:03.50, start: 0.000000, bitrate: 130 kb/s',
        '    Stream #0:0(und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, 5.1(side), fltp, 129 kb/s (default)',
      ]),
    ).toMatchObject({
      container: 'mov,mp4,m4a,3gp,3g2,mj2',
      codec: 'aac',
      sampleRateHz: 48000,
      channels: 6,
      headerDurationSeconds: 3723.5,
    });
  });

  it('leaves out what ffmpeg does not print (no duration, no bit rate)', () => {
    expect(
      parseProbe([
        "Input #0, ogg, from 'pipe:':",
        '  Duration: N/A, start: 0.000000, bitrate: N/A',
        '    Stream #0:0: Audio: opus, 48000 Hz, 3 channels, fltp',
      ]),
    ).toMatchObject({ bitRateBps: null, headerDurationSeconds: null, channels: 3 });
  });

  it('tells "not media" from "media without audio"', () => {
    expect(parseProbe(['fake.mp3: Invalid data found when processing input'])).toMatchObject({
      error: 'no-input',
    });
    expect(
      parseProbe([
        "Input #0, png_pipe, from 'picture.png':",
        '  Duration: N/A, bitrate: N/A',
        '    Stream #0:0: Video: png, rgb24(pc), 64x64, 25 tbr, 25 tbn, 25 tbc',
      ]),
    ).toMatchObject({ error: 'no-audio' });
  });
});
