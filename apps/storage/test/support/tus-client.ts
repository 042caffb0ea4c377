import { randomUUID } from 'node:crypto';
import { Upload, type HttpRequest, type UploadOptions } from 'tus-js-client';
import type { Principal } from '@platform/contracts';
import { signEdgePrincipal } from '@platform/edge-principal';
import { EDGE_SECRET } from './storage-fixtures';

/**
 * tus-js-client straight at storage's internal port: every request gets the edge token the gateway
 * would sign for it (bound to its method and path).
 */
export function signingTusOptions(
  principal: Principal,
  secret = EDGE_SECRET,
): Pick<UploadOptions, 'onBeforeRequest'> {
  return {
    onBeforeRequest: async (request: HttpRequest) => {
      const path = new URL(request.getURL()).pathname;
      request.setHeader(
        'x-platform-principal',
        await signEdgePrincipal({
          requestId: randomUUID(),
          secret,
          audience: 'storage',
          method: request.getMethod(),
          path,
          principal,
        }),
      );
    },
  };
}

/** Runs `upload` until success (resolves) or error (rejects). */
export function runUpload(file: Buffer, options: UploadOptions): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const upload: Upload = new Upload(file, {
      retryDelays: [],
      ...options,
      onSuccess: () => resolve(upload),
      onError: reject,
    });
    upload.start();
  });
}

/** Starts `upload` and aborts it once `bytes` have been acknowledged by the server; resolves with its URL. */
export function uploadUntil(file: Buffer, bytes: number, options: UploadOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload: Upload = new Upload(file, {
      retryDelays: [],
      ...options,
      onChunkComplete: (_chunk, accepted) => {
        if (accepted >= bytes) void upload.abort().then(() => resolve(upload.url!), reject);
      },
      onError: reject,
    });
    upload.start();
  });
}
