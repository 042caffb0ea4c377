import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;

/** Byte `i` of the test pattern: position-dependent, so a dropped, repeated or moved chunk shows. */
function patternByte(i: number): number {
  return (i * 131 + (i >>> 16) * 7 + 11) & 0xff;
}

/** Bytes [start, end) of the pattern. */
export function patternSlice(start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  for (let i = start; i < end; i++) out[i - start] = patternByte(i);
  return out;
}

/**
 * Bytes [start, end) of the pattern as a stream produced on demand (backpressure-aware: Readable
 * only asks for the next chunk when the consumer drained the previous ones), never held whole.
 */
export function patternStream(start: number, end: number): Readable {
  let position = start;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (position >= end) {
        this.push(null);
        return;
      }
      const next = Math.min(end, position + CHUNK);
      this.push(patternSlice(position, next));
      position = next;
    },
  });
}

/** SHA-256 of pattern bytes [0, size), computed chunk by chunk (the independent expectation). */
export function patternSha256(size: number): string {
  const hash = createHash('sha256');
  for (let position = 0; position < size; position += CHUNK) {
    hash.update(patternSlice(position, Math.min(size, position + CHUNK)));
  }
  return hash.digest('hex');
}

/** Highest RSS seen while `work` runs, sampled every `intervalMs` (not a timing assertion). */
export async function peakRssDuring<T>(
  work: () => Promise<T>,
  intervalMs = 50,
): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}
