import type { ByteRange } from '../drivers/object-store.port';

/**
 * One `Range: bytes=` range of an object of `size` bytes (RFC 9110 §14.1.2): `a-b`, `a-`, `-n`.
 * `undefined`: no usable Range (absent, several ranges or another unit: the whole object is sent,
 * which the RFC allows); `null`: unsatisfiable (416).
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | null | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return null;
  return { start, end };
}
