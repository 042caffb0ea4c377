import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** A file held by the Gemini Files API (kept 48 h by Google unless deleted). */
export interface GeminiFile {
  /** `files/<id>`: the resource to poll and delete. */
  name: string;
  /** What a prompt's `file_data.file_uri` names. */
  uri: string;
  mimeType: string;
}

interface FileResource {
  name?: string;
  uri?: string;
  mimeType?: string;
  state?: 'STATE_UNSPECIFIED' | 'PROCESSING' | 'ACTIVE' | 'FAILED';
  error?: { message?: string };
}

/** A Files API call that did not work: the transcript is then unavailable with this message. */
export class GeminiFilesError extends Error {}

/**
 * The Gemini Files API over REST, for audio larger than an inline request takes: the resumable
 * upload protocol (`POST /upload/v1beta/files` with `X-Goog-Upload-Command: start`, then the bytes
 * streamed from disk to the session URL with `upload, finalize`), a poll until the file is ACTIVE,
 * and deletion once the transcript is back (Google would keep it 48 h).
 */
export class GeminiFiles {
  constructor(
    private readonly options: {
      apiKey: string;
      baseUrl: string;
      /** How often and how long to wait for a PROCESSING file to become ACTIVE. */
      pollIntervalMs?: number;
      activeWithinMs?: number;
    },
  ) {}

  private get base(): string {
    return this.options.baseUrl.replace(/\/$/, '');
  }

  async upload(filePath: string, mimeType: string, signal: AbortSignal): Promise<GeminiFile> {
    const { size } = await stat(filePath);
    const started = await fetch(`${this.base}/upload/v1beta/files`, {
      method: 'POST',
      headers: {
        'x-goog-api-key': this.options.apiKey,
        'x-goog-upload-protocol': 'resumable',
        'x-goog-upload-command': 'start',
        'x-goog-upload-header-content-length': String(size),
        'x-goog-upload-header-content-type': mimeType,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ file: { display_name: 'recording' } }),
      signal,
    });
    const session = started.headers.get('x-goog-upload-url');
    if (!started.ok || !session) throw await failure('starting the upload', started);
    await started.body?.cancel();
    // Streamed from disk: memory stays flat whatever the recording's length.
    const finished = await fetch(session, {
      method: 'POST',
      headers: {
        'content-length': String(size),
        'x-goog-upload-offset': '0',
        'x-goog-upload-command': 'upload, finalize',
      },
      body: Readable.toWeb(createReadStream(filePath)) as ReadableStream,
      duplex: 'half',
      signal,
    } as RequestInit);
    if (!finished.ok) throw await failure('uploading the audio', finished);
    const { file } = (await finished.json()) as { file?: FileResource };
    if (!file?.name || !file.uri) throw new GeminiFilesError('the Files API answered no file');
    try {
      const active = file.state === 'ACTIVE' ? file : await this.untilActive(file.name, signal);
      return { name: file.name, uri: active.uri ?? file.uri, mimeType: active.mimeType ?? mimeType };
    } catch (error) {
      // Uploaded but unusable (FAILED, never ACTIVE, aborted): not left behind for 48 h.
      await this.delete(file.name);
      throw error;
    }
  }

  /** Best effort: Google deletes it after 48 h anyway. */
  async delete(name: string): Promise<void> {
    await fetch(`${this.base}/v1beta/${name}`, {
      method: 'DELETE',
      headers: { 'x-goog-api-key': this.options.apiKey },
      signal: AbortSignal.timeout(10_000),
    })
      .then((response) => response.body?.cancel())
      .catch(() => undefined);
  }

  private async untilActive(name: string, signal: AbortSignal): Promise<FileResource> {
    const every = this.options.pollIntervalMs ?? 1000;
    const deadline = Date.now() + (this.options.activeWithinMs ?? 120_000);
    for (;;) {
      const response = await fetch(`${this.base}/v1beta/${name}`, {
        headers: { 'x-goog-api-key': this.options.apiKey },
        signal,
      });
      if (!response.ok) throw await failure('reading the uploaded file', response);
      const file = (await response.json()) as FileResource;
      if (file.state === 'ACTIVE') return file;
      if (file.state === 'FAILED')
        throw new GeminiFilesError(
          `the Files API could not process the audio: ${file.error?.message ?? 'no reason'}`,
        );
      if (Date.now() >= deadline)
        throw new GeminiFilesError('the uploaded audio did not become ACTIVE in time');
      await new Promise((resolve) => setTimeout(resolve, every));
    }
  }
}

async function failure(step: string, response: Response): Promise<GeminiFilesError> {
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  return new GeminiFilesError(
    `Gemini Files API answered ${response.status} ${step}: ${body.error?.message ?? 'no message'}`,
  );
}
