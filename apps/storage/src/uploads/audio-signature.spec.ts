import { detectAudioType } from './audio-signature';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );

describe('audio type from magic bytes', () => {
  it.each([
    ['WAV (RIFF/WAVE)', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '), 'audio/wav'],
    ['MP3 with an ID3 tag', bytes('ID3', [4, 0, 0, 0, 0, 0, 0]), 'audio/mpeg'],
    ['MP3 frame sync (MPEG-1 layer III)', bytes([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg'],
    ['MP3 frame sync (MPEG-2 layer III)', bytes([0xff, 0xf3, 0x90, 0x64]), 'audio/mpeg'],
    ['Ogg', bytes('OggS', [0, 2, 0, 0]), 'audio/ogg'],
    ['FLAC', bytes('fLaC', [0, 0, 0, 0x22]), 'audio/flac'],
    ['M4A (ftyp M4A )', bytes([0, 0, 0, 0x20], 'ftypM4A '), 'audio/mp4'],
    ['MP4 (ftyp isom)', bytes([0, 0, 0, 0x18], 'ftypisom'), 'audio/mp4'],
    ['WebM (EBML)', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42]), 'audio/webm'],
  ])('%s → %s', (_label, head, type) => {
    expect(detectAudioType(head)).toBe(type);
  });

  it.each([
    ['a PDF', bytes('%PDF-1.7\n%')],
    ['a PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['a ZIP', bytes('PK', [3, 4, 20, 0])],
    ['an ELF executable', bytes([0x7f], 'ELF', [2, 1, 1, 0])],
    ['a RIFF that is not WAVE (AVI)', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST')],
    ['AAC ADTS (layer bits 00, not MP3)', bytes([0xff, 0xf1, 0x50, 0x80])],
    ['plain text claiming .mp3', bytes('hello, this is not audio')],
    ['nothing', bytes()],
  ])('refuses %s', (_label, head) => {
    expect(detectAudioType(head)).toBeNull();
  });
});
