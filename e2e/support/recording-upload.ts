import { createHash } from 'node:crypto';
import { Upload } from 'tus-js-client';
import { waitFor } from '@platform/testing';
import type { ApiClient } from './api-client';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The seed's chunk flow through the gateway: `POST /v1/chunks/:recordingId` per chunk (Chunk-Index
 * in order, Chunk-Sha256), then `POST /v1/finalize/:recordingId` with the whole file's SHA-256.
 * Returns the finalize answer (the completed object).
 */
export async function uploadInChunks(
  gatewayUrl: string,
  token: string,
  recordingId: string,
  bytes: Buffer,
  chunkBytes: number,
): Promise<{ id: string; sizeBytes: number; sha256: string; status: string }> {
  for (let index = 0, offset = 0; offset < bytes.length; index++, offset += chunkBytes) {
    const chunk = bytes.subarray(offset, offset + chunkBytes);
    const response = await fetch(`${gatewayUrl}/v1/chunks/${recordingId}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'chunk-index': String(index),
        'chunk-sha256': sha256(chunk),
      },
      body: chunk,
    });
    if (response.status !== 200)
      throw new Error(`chunk ${index}: ${response.status} ${await response.text()}`);
  }
  const finalized = await fetch(`${gatewayUrl}/v1/finalize/${recordingId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sha256: sha256(bytes) }),
  });
  if (finalized.status !== 200) throw new Error(`finalize: ${finalized.status} ${await finalized.text()}`);
  return (await finalized.json()) as { id: string; sizeBytes: number; sha256: string; status: string };
}

/**
 * tus 1.0 through the gateway with the real tus-js-client, the recording named in Upload-Metadata
 * (`recordingId`, as storage's tus controller reads it). Returns the upload URL; its last segment
 * is the object's id.
 */
export function uploadWithTus(
  gatewayUrl: string,
  token: string,
  recordingId: string,
  bytes: Buffer,
  chunkBytes: number,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const upload: Upload = new Upload(bytes, {
      endpoint: `${gatewayUrl}/v1/uploads`,
      chunkSize: chunkBytes,
      retryDelays: [],
      headers: { authorization: `Bearer ${token}` },
      metadata: { recordingId, filename: 'call.wav' },
      onSuccess: () => resolve(upload.url!),
      onError: reject,
    });
    upload.start();
  });
}

/** Polls `GET /v1/status/:id` through the gateway until the recording is READY or FAILED. */
export function settledStatus(
  api: ApiClient,
  token: string,
  recordingId: string,
): Promise<{ status: string; progress: number; failureReason: string | null }> {
  return waitFor(
    `recording ${recordingId} READY or FAILED`,
    async () => {
      const current = await api.get<{ status: string; progress: number; failureReason: string | null }>(
        `/v1/status/${recordingId}`,
        { token },
      );
      return current.body.status === 'READY' || current.body.status === 'FAILED' ? current.body : null;
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  );
}
