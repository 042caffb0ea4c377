/**
 * Content type from the first bytes (magic numbers), never from the client's Content-Type or file
 * name: only these audio containers are stored. `SNIFF_BYTES` is enough for every rule below.
 */
export const SNIFF_BYTES = 12;

export const ALLOWED_AUDIO_TYPES = [
  'audio/wav',
  'audio/mpeg',
  'audio/ogg',
  'audio/flac',
  'audio/mp4',
  'audio/webm',
] as const;
export type AllowedAudioType = (typeof ALLOWED_AUDIO_TYPES)[number];

const ascii = (bytes: Uint8Array, from: number, text: string) =>
  bytes.length >= from + text.length && [...text].every((char, i) => bytes[from + i] === char.charCodeAt(0));

/**
 * MPEG audio frame sync: 11 set bits, then a version other than "reserved" (01) and a layer other
 * than "reserved" (00) — the layer bits are what tell an MP3 frame from an AAC ADTS header (00).
 */
function isMpegFrameSync(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || bytes[0] !== 0xff || (bytes[1]! & 0xe0) !== 0xe0) return false;
  const version = (bytes[1]! >> 3) & 0b11;
  const layer = (bytes[1]! >> 1) & 0b11;
  return version !== 0b01 && layer !== 0b00;
}

/** The detected type, or null: not an allowed format (or `head` too short to tell). */
export function detectAudioType(head: Uint8Array): AllowedAudioType | null {
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) return 'audio/wav';
  if (ascii(head, 0, 'ID3') || isMpegFrameSync(head)) return 'audio/mpeg';
  if (ascii(head, 0, 'OggS')) return 'audio/ogg';
  if (ascii(head, 0, 'fLaC')) return 'audio/flac';
  if (ascii(head, 4, 'ftyp')) return 'audio/mp4';
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3)
    return 'audio/webm';
  return null;
}
