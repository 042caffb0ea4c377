import type { IncomingHttpHeaders } from 'node:http';
import { DomainError } from '@platform/errors';
import { BadRequestError } from '../../shared/storage.errors';

export const TUS_RESUMABLE = '1.0.0';
export const TUS_EXTENSIONS = 'creation,termination,checksum,expiration';
export const TUS_CHECKSUM_ALGORITHMS = 'sha256';
export const TUS_CONTENT_TYPE = 'application/offset+octet-stream';

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** A non-negative integer header (Upload-Length, Upload-Offset); BAD_REQUEST when malformed. */
export function integerHeader(headers: IncomingHttpHeaders, name: string, required: true): number;
export function integerHeader(headers: IncomingHttpHeaders, name: string, required: false): number | null;
export function integerHeader(headers: IncomingHttpHeaders, name: string, required: boolean): number | null {
  const value = header(headers, name);
  if (value === undefined) {
    if (required) throw new BadRequestError(`${name} is required`, { header: name });
    return null;
  }
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new BadRequestError(`${name} must be a non-negative integer`, { header: name });
  return Number(value);
}

/** Every tus request but OPTIONS names the protocol version; only 1.0.0 is spoken. */
export function assertTusResumable(headers: IncomingHttpHeaders): void {
  if (header(headers, 'tus-resumable') !== TUS_RESUMABLE)
    throw new DomainError('TUS_VERSION_UNSUPPORTED', `Tus-Resumable must be ${TUS_RESUMABLE}`, {
      supported: [TUS_RESUMABLE],
    });
}

/**
 * Upload-Metadata: `key base64value,key2,...`. Keys are ASCII without spaces or commas; values are
 * decoded as UTF-8 text. Kept as metadata only: no value ever becomes a path or a storage key.
 */
export function parseUploadMetadata(headers: IncomingHttpHeaders): Record<string, string> {
  const raw = header(headers, 'upload-metadata');
  const metadata: Record<string, string> = {};
  if (!raw) return metadata;
  for (const pair of raw.split(',')) {
    const [key, value, extra] = pair.trim().split(' ');
    if (!key || extra !== undefined || !/^[\x21-\x7e]+$/.test(key) || key in metadata)
      throw new BadRequestError('Upload-Metadata is malformed', { header: 'upload-metadata' });
    if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
      throw new BadRequestError('Upload-Metadata values must be base64', { header: 'upload-metadata' });
    metadata[key] = value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
  }
  return metadata;
}

/** Upload-Checksum: `sha256 <base64 digest>` (the only algorithm offered). */
export function parseUploadChecksum(headers: IncomingHttpHeaders): Buffer | null {
  const raw = header(headers, 'upload-checksum');
  if (raw === undefined) return null;
  const [algorithm, digest] = raw.trim().split(' ');
  if (algorithm !== 'sha256')
    throw new BadRequestError('Upload-Checksum algorithm is not supported', { supported: ['sha256'] });
  const bytes = Buffer.from(digest ?? '', 'base64');
  if (bytes.length !== 32) throw new BadRequestError('Upload-Checksum is not a base64 SHA-256 digest');
  return bytes;
}

/** A SHA-256 digest given as 64 hex characters or base64 (the seed flow's chunk header). */
export function parseSha256(value: string | undefined, name: string): Buffer | null {
  if (value === undefined) return null;
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (bytes.length !== 32)
    throw new BadRequestError(`${name} is not a SHA-256 digest (hex or base64)`, { header: name });
  return bytes;
}

export function contentLengthOf(headers: IncomingHttpHeaders): number | null {
  return integerHeader(headers, 'content-length', false);
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  return header(headers, name);
}
