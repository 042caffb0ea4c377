import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { detectAudioType, SNIFF_BYTES } from './audio-signature';
import { ALLOWED_AUDIO_TYPES } from './audio-signature';
import { UnsupportedContentError } from '../shared/storage.errors';

/** Counts bytes and fails with `onOverflow()` as soon as more than `max` pass (before writing them). */
export class ByteLimit extends Transform {
  count = 0;

  constructor(
    private readonly max: number,
    private readonly onOverflow: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.count += chunk.length;
    if (this.count > this.max) return done(this.onOverflow());
    done(null, chunk);
  }
}

/** SHA-256 of what passes through (`digest()` once the stream ended). */
export class Sha256Tap extends Transform {
  private readonly hash: Hash = createHash('sha256');

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }

  digest(): Buffer {
    return this.hash.digest();
  }
}

/**
 * Checks the first bytes of an object against the allowed audio formats while they stream by, so a
 * disguised file is refused at its first request rather than after gigabytes. It holds back at most
 * SNIFF_BYTES; a stream that ends shorter is left for the check at completion.
 */
export class AudioSniffer extends Transform {
  private head: Buffer = Buffer.alloc(0);
  private decided = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.decided) return done(null, chunk);
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < SNIFF_BYTES) return done();
    this.decided = true;
    if (!detectAudioType(this.head)) return done(new UnsupportedContentError(ALLOWED_AUDIO_TYPES));
    const held = this.head;
    this.head = Buffer.alloc(0);
    done(null, held);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.decided ? undefined : this.head);
  }
}
