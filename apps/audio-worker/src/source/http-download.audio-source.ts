import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AudioJobError } from '../analysis/audio-errors';
import { AudioSource, type AudioObjectRef, type OpenedAudio } from './audio-source.port';

/** Where an object can be downloaded from right now (a short-lived link). */
export abstract class DownloadLinkResolver {
  abstract linkFor(ref: AudioObjectRef): Promise<URL>;
}

/**
 * Downloads the object over HTTP into a temporary file (streamed: memory stays flat whatever the
 * size), deleted on `release()`. 4xx answers are permanent (the object is gone or the link refused:
 * retrying cannot help) except 408/429; 5xx and network errors are retried.
 */
export class HttpDownloadAudioSource extends AudioSource {
  constructor(
    private readonly links: DownloadLinkResolver,
    private readonly workDir: string,
  ) {
    super();
  }

  async open(ref: AudioObjectRef, signal?: AbortSignal): Promise<OpenedAudio> {
    const url = await this.links.linkFor(ref);
    let response: Response;
    try {
      response = await fetch(url, { signal });
    } catch (error) {
      signal?.throwIfAborted();
      throw new AudioJobError(
        'SOURCE_UNAVAILABLE',
        `storage unreachable: ${(error as Error).message}`,
        false,
      );
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      const permanent =
        response.status >= 400 && response.status < 500 && ![408, 429].includes(response.status);
      throw new AudioJobError(
        'SOURCE_UNAVAILABLE',
        `storage answered ${response.status} for object ${ref.objectId}`,
        permanent,
      );
    }
    const file = path.join(this.workDir, `source-${randomUUID()}`);
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(file), {
        signal,
      });
    } catch (error) {
      await rm(file, { force: true });
      signal?.throwIfAborted();
      throw new AudioJobError(
        'SOURCE_UNAVAILABLE',
        `download interrupted: ${(error as Error).message}`,
        false,
      );
    }
    return { path: file, release: () => rm(file, { force: true }) };
  }
}
